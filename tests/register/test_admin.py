import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from event.services import event_generate_properties
from register.models import BadgeLevel, BanEntry, Order, Registration, WaitlistEntry
from register.selectors import ban_matches
from register.services import (
    ban_entry_save,
    order_mark_paid,
    order_place,
    registration_settings_update,
    waitlist_join,
)
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
    # The same for one order as for three (two of them for the header: the convention's branding
    # and its events, for the event selector).
    assert len(captured) == 11


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


def _change_data(page, **changes) -> dict:
    """What the admin's change form sends back unchanged (inline formsets included), with
    ``changes``."""
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data |= {f"{management.prefix}-{key}": value for key, value in management.initial.items()}
    return data | changes


@pytest.fixture
def adult_badge(tenant_a):
    """A paid badge on an adults-only level of an event that blocks "troll" in badge names."""
    with tenant_context(tenant_a):
        event = EventFactory(start_date=dt.date(2031, 7, 1))
        event_generate_properties(event=event)
        registration_settings_update(event=event, badge_name_blocklist="troll")
        level = BadgeLevelFactory(event=event, age_rule=BadgeLevel.AgeRule.ADULTS_ONLY)
        order = order_place(
            event=event, account=UserFactory(), provider="simulated", attendees=[attendee(level)]
        )
        order_mark_paid(order_id=order.pk, amount=order.total)
        yield order.registrations.get()


MINOR = {"birthdate": "2015-01-01"}
GUARDIAN = {"guardian_name": "Pat Fox", "guardian_contact": "pat@example.org"}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (MINOR | GUARDIAN | {"guardian_consent": "on"}, None, "is for adults only"),
        (MINOR, "guardian_name", "A minor needs a guardian"),
        ({"badge_name": "Trollface"}, "badge_name", "Please choose another badge name."),
        ({"birthdate": "2099-01-01"}, "birthdate", "Please check the birthdate."),
        ({"legal_name": "Otter Sam"}, None, "match the ban list"),
    ],
)
def test_the_admin_refuses_an_attendee_edit_the_public_form_would_refuse(
    adult_badge, lead_client, tenant_a, changes, field, message
):
    with tenant_context(tenant_a):
        ban_entry_save(entry=BanEntry(name="Sam Otter"))
    url = f"/admin/register/registration/{adult_badge.pk}/change/"

    response = lead_client.post(url, _change_data(lead_client.get(url), **changes))

    errors = response.context["adminform"].form.errors
    with tenant_context(tenant_a):
        unchanged = Registration.objects.get(pk=adult_badge.pk)
    assert response.status_code == 200
    assert any(message in error for error in errors.get(field or "__all__", [])), errors
    assert (unchanged.legal_name, unchanged.birthdate, unchanged.badge_name) == (
        adult_badge.legal_name,
        adult_badge.birthdate,
        adult_badge.badge_name,
    )


def test_an_attendee_edit_in_the_admin_within_the_rules_is_saved_and_audited(
    adult_badge, lead_client, tenant_a
):
    url = f"/admin/register/registration/{adult_badge.pk}/change/"

    response = lead_client.post(url, _change_data(lead_client.get(url), badge_name="Dusk"))

    with tenant_context(tenant_a):
        latest = Registration.objects.get(pk=adult_badge.pk).history.latest("history_id")
    assert response.status_code == 302
    assert (latest.badge_name, latest.history_user_id, latest.history_change_reason) == (
        "Dusk",
        lead_client.lead.pk,
        "corrected by the organizer",
    )


def test_the_order_page_shows_its_badges_read_only(adult_badge, lead_client):
    page = lead_client.get(f"/admin/register/order/{adult_badge.order_id}/change/")

    assert page.status_code == 200
    assert b'name="registrations-0-legal_name"' not in page.content
    assert adult_badge.legal_name.encode() in page.content


@pytest.fixture
def full_level(tenant_a):
    """A level with its one place sold and one person waiting."""
    with tenant_context(tenant_a):
        event = EventFactory(start_date=dt.date(2031, 7, 1))
        level = BadgeLevelFactory(event=event, name="Full", price=Decimal("60.00"), capacity=1)
        order = order_place(
            event=event, account=UserFactory(), provider="simulated", attendees=[attendee(level)]
        )
        order_mark_paid(order_id=order.pk, amount=order.total)
        waiting = UserFactory(email="next@example.org")
        waitlist_join(event=event, level_id=level.pk, account=waiting)
        yield level


@pytest.mark.parametrize(("capacity", "offered"), [(2, ["next@example.org"]), (1, [])])
def test_more_places_in_the_admin_go_to_the_waiting_list(
    full_level, lead_client, tenant_a, django_capture_on_commit_callbacks, capacity, offered
):
    url = f"/admin/register/badgelevel/{full_level.pk}/change/"
    data = _change_data(lead_client.get(url), capacity=capacity)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(url, data)

    with tenant_context(tenant_a):
        statuses = list(WaitlistEntry.objects.values_list("status", flat=True))
    assert response.status_code == 302
    assert [m.to[0] for m in mail.outbox] == offered
    assert statuses == (["offered"] if offered else ["waiting"])


def test_a_ban_entry_added_in_the_admin_is_matched_by_its_keys(lead_client, tenant_a):
    response = lead_client.post(
        "/admin/register/banentry/add/", {"name": "GARCÍA  José", "email": "Troll@Example.org"}
    )
    refused = lead_client.post("/admin/register/banentry/add/", {"name": "—", "email": ""})

    with tenant_context(tenant_a):
        entry = BanEntry.objects.get()
        by_name = ban_matches(legal_name="jose garcia", email="x@example.org", birthdate=None)
        by_email = ban_matches(legal_name="Robin Fox", email="troll@example.org", birthdate=None)
    assert response.status_code == 302
    assert (entry.name_key, entry.email_key) == ("garcia jose", "troll@example.org")
    assert by_name == by_email == [entry]
    assert refused.status_code == 200
    assert "needs a name with letters or an email" in str(refused.context["adminform"].form.errors)


def test_an_order_is_held_for_review_once_its_badge_matches_an_entry_added_in_the_admin(
    adult_badge, lead_client, tenant_a
):
    lead_client.post("/admin/register/banentry/add/", {"name": "Fox Robin"})
    with tenant_context(tenant_a):
        order = order_place(
            event=adult_badge.event,
            account=UserFactory(),
            provider="simulated",
            attendees=[attendee(adult_badge.level)],
        )

        paid = order_mark_paid(order_id=order.pk, amount=order.total)

    assert paid.status == Order.Status.HELD
