"""Ban list: matching ignores accents, case and name order; a match is held for review."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from register.models import BanEntry
from register.selectors import ban_matches, registration_by_checkin_token
from register.services import ban_entry_save, order_mark_paid, order_place
from tests.factories.event import EventFactory
from tests.factories.register import BadgeLevelFactory, attendee
from tests.factories.tenant import PASSWORD, UserFactory

BIRTHDATE = dt.date(1990, 5, 17)


@pytest.mark.parametrize(
    ("legal_name", "email", "birthdate", "matches"),
    [
        ("jose garcia", "someone@example.org", BIRTHDATE, True),
        ("GARCÍA  José", "someone@example.org", BIRTHDATE, True),  # order, accents, spaces
        ("José García", "someone@example.org", dt.date(1991, 1, 1), False),  # another person
        ("Josefina Garcia", "someone@example.org", BIRTHDATE, False),
        ("Robin Fox", "TROLL@example.ORG", dt.date(2001, 2, 3), True),  # the email alone
        ("Robin Fox", "tröll@example.org", dt.date(2001, 2, 3), True),  # accent in the email
        ("Robin Fox", "robin@example.org", BIRTHDATE, False),
    ],
)
def test_ban_matching_variants(tenant_a, legal_name, email, birthdate, matches):
    with tenant_context(tenant_a):
        ban_entry_save(
            entry=BanEntry(name="José García", email="Troll@Example.org", birthdate=BIRTHDATE)
        )

        found = ban_matches(legal_name=legal_name, email=email, birthdate=birthdate)

    assert bool(found) is matches


def test_entry_without_birthdate_matches_the_name_alone(tenant_a):
    with tenant_context(tenant_a):
        ban_entry_save(entry=BanEntry(name="Zoë Ångström"))

        assert ban_matches(legal_name="angstrom zoe", email="z@example.org", birthdate=BIRTHDATE)


@pytest.fixture
def held(tenant_a, django_capture_on_commit_callbacks):
    with tenant_context(tenant_a):
        ban_entry_save(entry=BanEntry(name="Robin Fox", birthdate=BIRTHDATE))
        level = BadgeLevelFactory(event=EventFactory(), price=Decimal("60.00"), capacity=1)
        buyer = UserFactory()
        order = order_place(
            event=level.event,
            account=buyer,
            provider="simulated",
            attendees=[attendee(level, legal_name="Fox Robin")],
        )
        with django_capture_on_commit_callbacks(execute=True):
            order_mark_paid(order_id=order.pk, amount=order.total)
        yield order, level, buyer


def test_a_matching_order_is_held_for_review_and_the_buyer_told(held):
    order, level, buyer = held
    registration = order.registrations.get()
    order.refresh_from_db()

    assert order.status == "held"
    assert registration.badge_number is None
    assert registration_by_checkin_token(token=registration.checkin_token) is None
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([buyer.email], f"Your {level.event.name} registration is being reviewed")
    ]
    # The held order keeps its place: the level (capacity 1) is sold out.
    with pytest.raises(Exception, match="sold out"):
        order_place(
            event=level.event,
            account=UserFactory(),
            provider="simulated",
            attendees=[attendee(level, legal_name="Sam Otter")],
        )


def test_buyer_sees_the_review_on_the_order_page(held, client_a):
    order, _, buyer = held
    client_a.post("/accounts/login/", {"username": buyer.email, "password": PASSWORD})

    page = client_a.get(f"/register/orders/{order.reference}/")

    assert b"reviews this order" in page.content
    assert b"<svg" not in page.content


def test_registration_lead_approves_a_held_order_in_the_admin(
    held, lead_client, django_capture_on_commit_callbacks
):
    order, _, _ = held
    mail.outbox.clear()

    listed = lead_client.get("/admin/register/order/?status__exact=held")
    with django_capture_on_commit_callbacks(execute=True):
        lead_client.post(
            "/admin/register/order/", {"action": "approve_held", "_selected_action": [order.pk]}
        )

    order.refresh_from_db()
    assert order.reference.encode() in listed.content
    assert order.status == "paid"
    assert order.registrations.get().badge_number is not None
    assert order.history.latest("history_id").history_user_id == lead_client.lead.pk
    assert [m.to for m in mail.outbox] == [["robin@example.org"]]


def test_registration_lead_refunds_a_held_order(held, lead_client):
    order, _, _ = held

    lead_client.post(
        "/admin/register/order/", {"action": "refund_in_full", "_selected_action": [order.pk]}
    )

    order.refresh_from_db()
    assert (order.status, order.refunded_total) == ("refunded", Decimal("60.00"))


def test_another_tenants_ban_list_does_not_hold_this_tenants_orders(tenant_a, tenant_b):
    with tenant_context(tenant_b):
        ban_entry_save(entry=BanEntry(name="Robin Fox", email="robin@example.org"))
    with tenant_context(tenant_a):
        level = BadgeLevelFactory(event=EventFactory())
        order = order_place(
            event=level.event,
            account=UserFactory(),
            provider="simulated",
            attendees=[attendee(level)],
        )

        paid = order_mark_paid(order_id=order.pk, amount=order.total)

    assert paid.status == "paid"
