"""Selling badges at the door: a walk-up orders at the self-service kiosk, the cashier takes the
money and the badge goes to the print queue — once, even with two cashiers or two walk-ups for
the last badge at the same moment."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django_tenants.utils import schema_context, tenant_context

from kiosk.models import PrintJob
from kiosk.services import door_payment_take, walk_up_order_place
from register.models import BadgeLevel, Order
from tenant.models import Tenant, User
from tenant.roles import Role
from tests.clients import PersonClient
from tests.concurrency import run_at_once
from tests.conftest import TENANT_HOSTS
from tests.factories.register import attendee
from tests.factories.tenant import PASSWORD, MembershipFactory
from tests.kiosk.conftest import make_event, paid_badges

WALK_UP = {
    "attendee-legal_name": "Walk Up",
    "attendee-badge_name": "Walky",
    "attendee-birthdate": "1990-05-06",
    "attendee-email": "Walk.Up@Example.org",
    "attendee-phone": "+1 555 0142",
    "attendee-emergency_contact": "Kim 555 0143",
}


def _tablet(operator_client) -> Client:
    tablet = operator_client()
    tablet.post("/kiosk/self/start/")
    return tablet


def _walk_up(tablet: Client, level: BadgeLevel, submission: str = "form-1", **fields):
    return tablet.post(
        "/kiosk/self/buy/",
        {**WALK_UP, "attendee-level": level.pk, "submission": submission, **fields},
    )


def test_a_walk_up_orders_the_cashier_takes_cash_and_the_badge_is_queued(door, operator_client):
    event, level = door
    tablet, cashier = _tablet(operator_client), operator_client()

    placed = _walk_up(tablet, level)
    reference = re.search(r'data-order="(\w+)"', placed.text)[1]
    waiting = cashier.get("/kiosk/cashier/")
    found = cashier.get("/kiosk/cashier/", {"order": reference.lower()})
    paid = cashier.post("/kiosk/cashier/pay/", {"order": reference, "method": "cash"}, follow=True)

    order = Order.objects.get(reference=reference)
    buyer = User.objects.get(pk=order.account_id)
    assert placed.status_code == 200 and "$60.00" in placed.text
    assert reference in waiting.text and "Paid $60.00" in found.text
    assert order.status == "paid" and order.provider == "door"
    assert "door: cash" in order.status_changes.last().note
    assert (buyer.email, buyer.has_usable_password()) == ("walk.up@example.org", False)
    assert list(PrintJob.objects.values_list("registration__legal_name", "status")) == [
        ("Walk Up", "queued")
    ]
    assert "is paid; 1 badge(s) sent to the print queue" in paid.text
    assert reference not in paid.text.split("Waiting to pay")[1]


def test_the_same_walk_up_form_sent_twice_is_one_order(door, operator_client):
    event, level = door
    tablet = _tablet(operator_client)

    first, again = _walk_up(tablet, level), _walk_up(tablet, level)

    references = {re.search(r'data-order="(\w+)"', r.text)[1] for r in (first, again)}
    assert len(references) == 1 and Order.objects.count() == 1


def test_bad_walk_up_input_is_a_400_with_the_field_named_and_nothing_written(door, operator_client):
    event, level = door
    tablet = _tablet(operator_client)

    missing = _walk_up(tablet, level, **{"attendee-legal_name": ""})
    wrong_level = _walk_up(tablet, level, "form-2", **{"attendee-level": level.pk + 999})

    assert missing.status_code == 400 and "This field is required." in missing.text
    assert wrong_level.status_code == 400 and "Select a valid choice" in wrong_level.text
    assert Order.objects.count() == 0


def test_the_walk_up_page_is_only_on_a_started_kiosk(door, operator_client):
    event, level = door
    stranger = PersonClient(HTTP_HOST=TENANT_HOSTS["alpha"])

    assert stranger.get("/kiosk/self/buy/").status_code == 403
    assert _walk_up(stranger, level).status_code == 403
    assert Order.objects.count() == 0


def test_the_cashier_refuses_a_second_payment_a_card_order_and_bad_input(door, operator_client):
    event, level = door
    (card_badge,) = paid_badges(event, level, pay=False)  # a card order, pending
    door_order = walk_up_order_place(event=event, attendee=attendee(level), submission="s")
    cashier = operator_client()
    cashier.post("/kiosk/cashier/pay/", {"order": door_order.reference, "method": "card"})

    again = cashier.post("/kiosk/cashier/pay/", {"order": door_order.reference, "method": "cash"})
    card = cashier.post(
        "/kiosk/cashier/pay/", {"order": card_badge.order.reference, "method": "cash"}
    )
    no_method = cashier.post("/kiosk/cashier/pay/", {"order": door_order.reference})
    unknown = cashier.get("/kiosk/cashier/", {"order": "NOSUCHORDER"})

    assert again.status_code == 400 and "already paid: do not take the money again" in again.text
    assert card.status_code == 400 and "is not paid at the door" in card.text
    assert no_method.status_code == 400 and "Choose cash or card terminal." in no_method.text
    assert (
        unknown.status_code == 404 and "No order of this event has this reference" in unknown.text
    )
    door_order.refresh_from_db()
    assert door_order.status_changes.filter(to_status="paid").count() == 1
    assert PrintJob.objects.count() == 1


def test_only_desk_operators_reach_the_cashier(door, operator_client):
    anonymous = PersonClient(HTTP_HOST=TENANT_HOSTS["alpha"])

    assert anonymous.get("/kiosk/cashier/").status_code == 302
    assert operator_client(roles=[Role.SCHEDULE_LEAD]).get("/kiosk/cashier/").status_code == 403
    assert operator_client().get("/kiosk/cashier/").status_code == 200


def test_another_conventions_cashier_cannot_find_or_pay_alphas_door_order(door, tenant_a, tenant_b):
    event, level = door
    order = walk_up_order_place(event=event, attendee=attendee(level), submission="s")
    with tenant_context(tenant_b):
        make_event()
        beta_member = MembershipFactory(tenant=tenant_b, roles=[Role.KIOSK_OPERATOR]).user
    beta = PersonClient(HTTP_HOST=TENANT_HOSTS["beta"])
    beta.post("/accounts/login/", {"username": beta_member.email, "password": PASSWORD})

    found = beta.get("/kiosk/cashier/", {"order": order.reference})
    paid = beta.post("/kiosk/cashier/pay/", {"order": order.reference, "method": "cash"})

    assert found.status_code == 404 and paid.status_code == 404
    with tenant_context(tenant_a):
        order.refresh_from_db()
    assert order.status == "pending"


@pytest.fixture
def committed_door(committed, settings):
    settings.DEBUG = True
    alpha = Tenant.objects.get(schema_name="alpha")
    with tenant_context(alpha):
        event, level = make_event(is_active=False)
        BadgeLevel.objects.filter(pk=level.pk).update(capacity=1)
        level.refresh_from_db()
    accounts: set[int] = set()
    try:
        yield alpha, event, level, accounts
    finally:
        with tenant_context(alpha):
            accounts.update(Order.objects.filter(event=event).values_list("account_id", flat=True))
            PrintJob.objects.filter(registration__event=event).delete()
            Order.objects.filter(event=event).delete()
            event.delete()
        with schema_context("public"):
            User.objects.filter(pk__in=accounts).delete()


def test_two_walk_ups_for_the_last_badge_at_once_make_one_order(committed_door):
    alpha, event, level, _ = committed_door

    def buy(n):
        with tenant_context(alpha):
            person = attendee(level, email=f"racer{n}@example.org")
            return walk_up_order_place(event=event, attendee=person, submission=f"race-{n}")

    results = run_at_once(buy, range(2))

    orders = [r for r in results if isinstance(r, Order)]
    refusals = [r for r in results if isinstance(r, ValidationError)]
    assert len(orders) == 1 and len(refusals) == 1
    assert "sold out" in " ".join(refusals[0].messages)
    with tenant_context(alpha):
        assert Order.objects.filter(event=event).count() == 1


def test_two_cashiers_taking_one_orders_money_at_once_pay_it_once(committed_door):
    alpha, event, level, accounts = committed_door
    with tenant_context(alpha):
        order = walk_up_order_place(event=event, attendee=attendee(level), submission="once")
    cashiers = [User.objects.create_user(email=f"cashier{n}@example.org") for n in range(4)]
    accounts.update(c.pk for c in cashiers)

    def take(cashier):
        with tenant_context(alpha):
            return door_payment_take(order=order, cashier=cashier, method="cash")

    results = run_at_once(take, cashiers)

    paid = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(paid), len(refused)) == (1, 3)
    assert all("already paid" in " ".join(r.messages) for r in refused)
    with tenant_context(alpha):
        assert order.status_changes.filter(to_status="paid").count() == 1
        assert PrintJob.objects.filter(registration__order=order).count() == 1
        assert Order.objects.get(pk=order.pk).total == Decimal("60.00")
