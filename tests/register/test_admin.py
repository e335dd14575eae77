import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from event.services import event_generate_properties
from register.services import order_place
from tests.factories.event import EventFactory
from tests.factories.register import BadgeLevelFactory, attendee
from tests.factories.tenant import UserFactory


def _orders(tenant, count: int, name: str) -> None:
    buyer = UserFactory()
    with tenant_context(tenant):
        level = BadgeLevelFactory(event=EventFactory())
        for _ in range(count):
            order_place(
                event=level.event,
                account=buyer,
                provider="simulated",
                attendees=[attendee(level, legal_name=name)],
            )


def test_registration_lead_finds_orders_of_this_tenant_only(tenant_a, tenant_b, lead_client):
    _orders(tenant_a, 1, "Alpha Attendee")
    _orders(tenant_b, 1, "Beta Attendee")

    found = lead_client.get("/admin/register/order/?q=Attendee")

    assert found.status_code == 200
    assert found.content.count(b"/change/") == 1
    assert lead_client.get("/admin/register/order/?q=Beta").content.count(b"/change/") == 0


@pytest.mark.parametrize("count", [1, 3])
def test_order_list_queries_do_not_grow_with_orders(tenant_a, lead_client, count):
    _orders(tenant_a, count, "Robin Fox")
    lead_client.get("/admin/register/order/")  # warm up session and caches

    with CaptureQueriesContext(connection) as captured:
        response = lead_client.get("/admin/register/order/")

    assert response.status_code == 200
    assert response.content.count(b"/change/") == count
    assert len(captured) == 9  # the same for one order as for three


def test_registration_lead_edits_badge_number_ranges_but_not_the_event(tenant_a, lead_client):
    with tenant_context(tenant_a):
        event = EventFactory()
        event_generate_properties(event=event)
        staff_range = event.badge_ranges.get(kind="staff")

    changed = lead_client.post(
        f"/admin/event/badgenumberrange/{staff_range.pk}/change/",
        {"event": event.pk, "kind": "staff", "first_number": 1, "last_number": 99},
    )
    event_edit = lead_client.get(f"/admin/event/event/{event.pk}/change/")

    with tenant_context(tenant_a):
        staff_range.refresh_from_db()
    assert changed.status_code == 302
    assert staff_range.last_number == 99
    assert b'name="name"' not in event_edit.content  # view-only: no editable fields
