import csv
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from register.models import Order
from register.services import order_cancel, order_mark_paid, order_place, order_refund
from tests.factories.event import EventFactory
from tests.factories.register import BadgeLevelFactory, attendee
from tests.factories.tenant import UserFactory


@pytest.fixture
def paid_with_one_place(tenant_a):
    with tenant_context(tenant_a):
        level = BadgeLevelFactory(event=EventFactory(), price=Decimal("60.00"), capacity=1)
        order = order_place(
            event=level.event,
            account=UserFactory(),
            provider="simulated",
            attendees=[attendee(level, legal_name="Robin Fox")],
        )
        order_mark_paid(order_id=order.pk, amount=order.total)
        yield order, level


def test_partial_then_full_refund_frees_the_place_but_not_the_number(paid_with_one_place):
    order, level = paid_with_one_place
    refunded_number = order.registrations.get().badge_number

    order_refund(order_id=order.pk, amount=Decimal("20.00"))
    with pytest.raises(ValidationError, match="between 0.01 and 40.00"):
        order_refund(order_id=order.pk, amount=Decimal("40.01"))
    order_refund(order_id=order.pk, amount=Decimal("40.00"))
    again = order_place(
        event=level.event,
        account=order.account,
        provider="simulated",
        attendees=[attendee(level)],
    )
    order_mark_paid(order_id=again.pk, amount=again.total)

    order.refresh_from_db()
    assert (order.status, order.refunded_total) == ("refunded", Decimal("60.00"))
    assert list(again.registrations.values_list("badge_number", flat=True)) == [refunded_number + 1]
    assert list(order.status_changes.values_list("note", flat=True))[-2:] == [
        "refunded 20.00 USD",
        "refunded 40.00 USD",
    ]


def test_only_unpaid_orders_are_cancelled(paid_with_one_place):
    order, level = paid_with_one_place

    with pytest.raises(ValidationError, match="Only unpaid orders"):
        order_cancel(order_id=order.pk)


def test_registration_lead_refunds_part_of_an_order_in_the_admin(paid_with_one_place, lead_client):
    order, _ = paid_with_one_place

    page = lead_client.get(f"/admin/register/order/{order.pk}/refund/")
    done = lead_client.post(
        f"/admin/register/order/{order.pk}/refund/", {"amount": "15.00", "note": "no shirt"}
    )
    too_much = lead_client.post(f"/admin/register/order/{order.pk}/refund/", {"amount": "99"})

    order.refresh_from_db()
    assert page.status_code == 200
    assert done.status_code == 302
    assert too_much.status_code == 200 and b"Refund between 0.01 and 45.00" in too_much.content
    assert (order.status, order.refunded_total) == ("paid", Decimal("15.00"))


def test_csv_export_lists_the_selected_orders_registrations(
    paid_with_one_place, lead_client, tenant_b
):
    order, _ = paid_with_one_place
    with tenant_context(tenant_b):
        other_level = BadgeLevelFactory(event=EventFactory())
        order_place(
            event=other_level.event,
            account=UserFactory(),
            provider="simulated",
            attendees=[attendee(other_level, legal_name="Beta Person")],
        )

    response = lead_client.post(
        "/admin/register/order/",
        {"action": "export_csv", "_selected_action": [str(order.pk)], "select_across": "1"},
    )

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert rows[0][:3] == ["order", "status", "level"]
    assert [row[4] for row in rows[1:]] == ["Robin Fox"]


def test_resend_confirmation_mails_again(
    paid_with_one_place, lead_client, django_capture_on_commit_callbacks
):
    order, _ = paid_with_one_place

    with django_capture_on_commit_callbacks(execute=True):
        lead_client.post(
            "/admin/register/order/",
            {"action": "resend_confirmation", "_selected_action": [str(order.pk)]},
        )

    assert [m.to for m in mail.outbox] == [["robin@example.org"]]


def test_age_filter_finds_orders_with_minors(tenant_a, lead_client):
    with tenant_context(tenant_a):
        event = EventFactory(is_active=True)
        level = BadgeLevelFactory(event=event)
        buyer = UserFactory()
        adult = order_place(
            event=event,
            account=buyer,
            provider="door",
            attendees=[attendee(level, legal_name="Grown Up")],
        )
        order_place(
            event=event,
            account=buyer,
            provider="door",
            attendees=[
                attendee(
                    level,
                    legal_name="Young One",
                    birthdate=event.start_date.replace(year=2015),
                    guardian_name="Pat",
                    guardian_contact="555",
                    guardian_consent=True,
                )
            ],
        )

    minors = lead_client.get("/admin/register/order/?age=minor")
    adults = lead_client.get("/admin/register/order/?age=adult")

    assert minors.content.count(b"/change/") == 1
    assert adult.reference.encode() in adults.content
    assert Order.objects.count() == 2


def test_desk_marks_a_door_order_paid(tenant_a, lead_client):
    with tenant_context(tenant_a):
        level = BadgeLevelFactory(event=EventFactory())
        door = order_place(
            event=level.event, account=UserFactory(), provider="door", attendees=[attendee(level)]
        )

    lead_client.post(
        "/admin/register/order/",
        {"action": "mark_paid_at_door", "_selected_action": [str(door.pk)]},
    )

    door.refresh_from_db()
    assert door.status == "paid"
    assert door.status_changes.last().note == "paid at the door"
