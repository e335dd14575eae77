"""The registration form sent again — a double click, or a retry after an error page that
came after the order was placed — finds the order it placed; it never orders twice. The
form's one-time token is kept on the order (unique per account), not in the session."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django_tenants.utils import schema_context, tenant_context

from event.models import Event
from register.models import BadgeLevel, Order, Registration
from register.services import DuplicateSubmissionError, order_place
from tenant.models import Tenant, User
from tests.concurrency import run_at_once
from tests.factories.register import attendee
from tests.factories.tenant import PASSWORD, UserFactory
from tests.register.form_data import post_order


def _logged_in(user) -> Client:
    client = Client(HTTP_HOST="alpha.localhost")
    client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    return client


def test_form_sent_again_from_a_session_that_lost_it_finds_the_first_order(sale, buyer_client):
    event, level, _ = sale
    first = post_order(buyer_client, level, people=1, submission="retry-me")

    # The first answer never arrived (an error page): the browser's session knows nothing.
    again = post_order(_logged_in(buyer_client.buyer), level, people=1, submission="retry-me")

    with tenant_context(again.wsgi_request.tenant):
        orders = list(Order.objects.values_list("reference", flat=True))
    assert (first.status_code, again.status_code, len(orders)) == (302, 409, 1)
    assert f'your order is <a href="/register/orders/{orders[0]}/">'.encode() in again.content


def test_form_sent_again_after_taking_the_last_places_finds_its_order(sale, buyer_client):
    event, level, _ = sale  # two places
    first = post_order(buyer_client, level, people=2, submission="last-two")

    again = post_order(buyer_client, level, people=2, submission="last-two")

    assert (first.status_code, again.status_code) == (302, 409)
    assert b"This form was already sent" in again.content


def test_another_accounts_form_with_the_same_token_orders_for_itself(sale, buyer_client):
    event, level, _ = sale
    post_order(buyer_client, level, people=1, submission="same-token")

    other = post_order(_logged_in(UserFactory()), level, people=1, submission="same-token")

    with tenant_context(other.wsgi_request.tenant):
        buyers = sorted(Order.objects.values_list("account_id", flat=True))
    assert other.status_code == 302
    assert len(set(buyers)) == 2


@pytest.fixture
def free_sale(committed):
    alpha = Tenant.objects.get(schema_name="alpha")
    with schema_context("public"):
        buyer = User.objects.create_user("twice-at-once@example.org", None)
    with tenant_context(alpha):
        event = Event.objects.create(
            name="Twice Con",
            slug="twice-con",
            start_date=dt.date(2027, 7, 1),
            end_date=dt.date(2027, 7, 3),
        )
        level = BadgeLevel.objects.create(event=event, name="Free", price=Decimal("0.00"))
    try:
        yield alpha, event, level, buyer
    finally:
        with tenant_context(alpha):
            Registration.objects.filter(event=event).delete()
            Order.objects.filter(event=event).delete()
            event.delete()
        with schema_context("public"):
            buyer.delete()


def test_same_form_sent_twice_at_once_places_one_order(free_sale):
    alpha, event, level, buyer = free_sale

    def send(_):
        with tenant_context(alpha):
            try:
                return order_place(
                    event=event,
                    account=buyer,
                    attendees=[attendee(level)],
                    provider="simulated",
                    submission="both-at-once",
                ).reference
            except DuplicateSubmissionError as placed:
                return f"already placed {placed.reference}"

    results = run_at_once(send, [1, 2])

    with tenant_context(alpha):
        orders = list(Order.objects.filter(event=event).values_list("reference", "status"))
    assert len(orders) == 1
    reference, status = orders[0]
    # One sending places the order; the other is told which order its form placed.
    assert sorted(results) == sorted([reference, f"already placed {reference}"])
    assert status == "paid"  # free: paid at once, by the first sending only
