"""Many buyers at once, each on its own database connection: the last places are sold once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context, tenant_context

from event.models import Event
from event.services import event_generate_properties
from register.models import BadgeLevel, Order, Registration
from register.services import DuplicateSubmissionError, order_mark_paid, order_place
from tenant.models import Tenant, User
from tests.concurrency import run_at_once
from tests.factories.register import attendee

BUYERS = 16
CAPACITY = 5


@pytest.fixture
def rush(committed):
    """A committed event in alpha with a small level, and one account per buyer."""
    alpha = Tenant.objects.get(schema_name="alpha")
    with schema_context("public"):
        buyers = [User.objects.create_user(f"rush{n}@example.org", None) for n in range(BUYERS)]
    with tenant_context(alpha):
        event = Event.objects.create(
            name="Rush Con",
            slug="rush-con",
            start_date=dt.date(2027, 7, 1),
            end_date=dt.date(2027, 7, 3),
        )
        event_generate_properties(event=event)
        level = BadgeLevel.objects.create(
            event=event, name="Attendee", price=Decimal("60.00"), capacity=CAPACITY
        )
    try:
        yield alpha, event, level, buyers
    finally:
        with tenant_context(alpha):
            Registration.objects.filter(event=event).delete()
            Order.objects.filter(event=event).delete()
            event.delete()
        with schema_context("public"):
            User.objects.filter(pk__in=[b.pk for b in buyers]).delete()


def test_exactly_capacity_buyers_get_the_last_places(rush):
    alpha, event, level, buyers = rush

    def buy(buyer):
        with tenant_context(alpha):
            return order_place(
                event=event, account=buyer, attendees=[attendee(level)], provider="simulated"
            )

    results = run_at_once(buy, buyers)

    sold = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    with tenant_context(alpha):
        held = Registration.objects.filter(level=level).count()
    assert (len(sold), len(refused), held) == (CAPACITY, BUYERS - CAPACITY, CAPACITY)
    assert all("sold out" in str(error) for error in refused)


def test_badge_numbers_stay_unique_when_orders_are_paid_at_once(rush):
    alpha, event, level, buyers = rush
    with tenant_context(alpha):
        BadgeLevel.objects.filter(pk=level.pk).update(capacity=None)
        orders = [
            order_place(
                event=event, account=buyer, attendees=[attendee(level)], provider="simulated"
            )
            for buyer in buyers
        ]

    def pay(order):
        with tenant_context(alpha):
            return order_mark_paid(order_id=order.pk, amount=order.total)

    results = run_at_once(pay, orders)

    with tenant_context(alpha):
        numbers = sorted(
            Registration.objects.filter(event=event).values_list("badge_number", flat=True)
        )
    assert all(isinstance(result, Order) for result in results), results
    assert numbers == list(range(200, 200 + BUYERS))


def test_free_orders_placed_at_once_take_unique_badge_numbers(rush):
    alpha, event, level, buyers = rush
    with tenant_context(alpha):
        BadgeLevel.objects.filter(pk=level.pk).update(capacity=None, price=Decimal("0"))

    def buy(buyer):
        with tenant_context(alpha):
            return order_place(
                event=event, account=buyer, attendees=[attendee(level)], provider="simulated"
            )

    results = run_at_once(buy, buyers)

    with tenant_context(alpha):
        numbers = sorted(
            Registration.objects.filter(event=event).values_list("badge_number", flat=True)
        )
    assert [getattr(result, "status", result) for result in results] == ["paid"] * BUYERS
    assert numbers == list(range(200, 200 + BUYERS))


def test_the_same_form_sent_twice_at_once_places_one_order(rush):
    alpha, event, level, buyers = rush

    def send(_):
        with tenant_context(alpha):
            return order_place(
                event=event,
                account=buyers[0],
                attendees=[attendee(level)],
                provider="simulated",
                submission="double-click",
            )

    results = run_at_once(send, ["first click", "second click"])

    placed = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, DuplicateSubmissionError)]
    with tenant_context(alpha):
        orders = Order.objects.filter(event=event).count()
    assert (len(placed), len(refused), orders) == (1, 1, 1)
    assert refused[0].reference == placed[0].reference
