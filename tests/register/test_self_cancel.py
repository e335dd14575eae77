"""Attendees cancel their own orders within the organizer's window; refunds go through the
provider used (Stripe stubbed at its HTTP edge only)."""

import datetime as dt
from decimal import Decimal

import pytest
import responses
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from register.models import Order, Registration
from register.services import (
    order_cancel_by_attendee,
    order_mark_paid,
    order_place,
    order_set_provider_reference,
    registration_settings_update,
    registration_upgrade,
)
from tests.factories.event import EventFactory
from tests.factories.register import BadgeLevelFactory, attendee
from tests.factories.tenant import UserFactory

REFUNDS_URL = "https://api.stripe.com/v1/refunds"


@pytest.fixture
def cancellable_order(tenant_a):
    with tenant_context(tenant_a):
        event = EventFactory(is_active=True, start_date=dt.date(2031, 7, 1))
        registration_settings_update(event=event, self_cancel_until=dt.date(2031, 6, 1))
        level = BadgeLevelFactory(event=event, price=Decimal("60.00"), capacity=1)
        buyer = UserFactory()
        order = order_place(
            event=event, account=buyer, provider="simulated", attendees=[attendee(level)]
        )
        order_mark_paid(order_id=order.pk, amount=order.total)
        yield order, level, buyer


def test_attendee_cancels_within_the_window_refunded_and_the_place_is_free_again(
    cancellable_order, client_a, log_in
):
    order, level, buyer = cancellable_order
    log_in(client_a, buyer)

    page = client_a.get(f"/register/orders/{order.reference}/")
    response = client_a.post(f"/register/orders/{order.reference}/cancel/")

    order.refresh_from_db()
    assert b"Cancel this order" in page.content
    assert response.status_code == 302
    assert (order.status, order.refunded_total) == ("refunded", Decimal("60.00"))
    assert order.status_changes.last().note == "refunded 60.00 USD: cancelled by the attendee"
    assert order.history.latest("history_id").history_user_id == buyer.pk
    again = order_place(
        event=level.event, account=UserFactory(), provider="simulated", attendees=[attendee(level)]
    )
    assert again.status == "pending"


def test_after_the_window_cancelling_answers_400_and_changes_nothing(
    cancellable_order, client_a, tenant_a, log_in
):
    order, _, buyer = cancellable_order
    with tenant_context(tenant_a):
        registration_settings_update(event=order.event, self_cancel_until=dt.date(2020, 1, 1))
    log_in(client_a, buyer)

    page = client_a.get(f"/register/orders/{order.reference}/")
    response = client_a.post(f"/register/orders/{order.reference}/cancel/")

    order.refresh_from_db()
    assert b"Cancel this order" not in page.content
    assert response.status_code == 400
    assert b"can no longer be cancelled" in response.content
    assert order.status == "paid"


def test_a_paid_upgrade_is_not_offered_for_cancelling(
    cancellable_order, client_a, tenant_a, log_in
):
    order, level, buyer = cancellable_order
    with tenant_context(tenant_a):
        higher = BadgeLevelFactory(event=level.event, price=Decimal("100.00"))
        upgrade = registration_upgrade(
            registration_id=order.registrations.get().pk,
            account=buyer,
            level_id=higher.pk,
            provider="simulated",
        )
        order_mark_paid(order_id=upgrade.pk, amount=upgrade.total)
    log_in(client_a, buyer)

    page = client_a.get(f"/register/orders/{upgrade.reference}/")
    response = client_a.post(f"/register/orders/{upgrade.reference}/cancel/")

    upgrade.refresh_from_db()
    assert page.status_code == 200
    assert b"Cancel this order" not in page.content
    assert response.status_code == 400
    assert b"A paid upgrade cannot be cancelled here" in response.content
    assert upgrade.status == "paid"


def test_an_order_whose_badge_was_handed_over_is_not_offered_for_cancelling(
    cancellable_order, client_a, tenant_a, log_in
):
    order, _, buyer = cancellable_order
    with tenant_context(tenant_a):
        Registration.objects.filter(order=order).update(holder=UserFactory())
    log_in(client_a, buyer)

    page = client_a.get(f"/register/orders/{order.reference}/")
    response = client_a.post(f"/register/orders/{order.reference}/cancel/")

    order.refresh_from_db()
    assert b"Cancel this order" not in page.content
    assert response.status_code == 400
    assert b"now belongs to someone else" in response.content
    assert order.status == "paid"


def test_someone_else_cannot_cancel_the_order(cancellable_order):
    order, _, _ = cancellable_order

    with pytest.raises(ValidationError, match="not your order"):
        order_cancel_by_attendee(order_id=order.pk, account=UserFactory())


def test_another_tenants_host_cannot_cancel_the_order(
    cancellable_order, client_b, tenant_a, log_in
):
    order, _, buyer = cancellable_order
    log_in(client_b, buyer)

    response = client_b.post(f"/register/orders/{order.reference}/cancel/")

    with tenant_context(tenant_a):
        order.refresh_from_db()
    assert response.status_code == 404
    assert order.status == "paid"


@responses.activate
def test_a_stripe_order_is_refunded_through_stripe(tenant_a, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_midsummer"
    responses.post(REFUNDS_URL, json={"id": "re_1", "object": "refund", "status": "succeeded"})
    with tenant_context(tenant_a):
        event = EventFactory(start_date=dt.date(2031, 7, 1))
        registration_settings_update(event=event, self_cancel_until=dt.date(2031, 6, 1))
        level = BadgeLevelFactory(event=event, price=Decimal("60.00"))
        buyer = UserFactory()
        order = order_place(
            event=event, account=buyer, provider="stripe", attendees=[attendee(level)]
        )
        order_mark_paid(order_id=order.pk, amount=order.total)
        order_set_provider_reference(order=order, reference="pi_test_9")

        order_cancel_by_attendee(order_id=order.pk, account=buyer)

        order.refresh_from_db()
    sent = responses.calls[0].request.body
    assert "payment_intent=pi_test_9" in sent and "amount=6000" in sent
    assert order.status == Order.Status.REFUNDED


def test_an_unpaid_order_is_simply_cancelled(tenant_a):
    with tenant_context(tenant_a):
        event = EventFactory(start_date=dt.date(2031, 7, 1))
        registration_settings_update(event=event, self_cancel_until=dt.date(2031, 6, 1))
        level = BadgeLevelFactory(event=event)
        buyer = UserFactory()
        order = order_place(
            event=event, account=buyer, provider="door", attendees=[attendee(level)]
        )

        cancelled = order_cancel_by_attendee(order_id=order.pk, account=buyer)

    assert (cancelled.status, cancelled.refunded_total) == ("cancelled", Decimal("0"))


def test_a_badge_without_a_code_says_why(cancellable_order, client_a, tenant_a, log_in):
    order, _, buyer = cancellable_order
    log_in(client_a, buyer)
    paid_page = client_a.get(f"/register/orders/{order.reference}/")
    with tenant_context(tenant_a):
        Registration.objects.filter(order=order).update(holder=UserFactory())
    handed_over = client_a.get(f"/register/orders/{order.reference}/")
    with tenant_context(tenant_a):
        Registration.objects.filter(order=order).update(holder=None)
        Order.objects.filter(pk=order.pk).update(status=Order.Status.REFUNDED)
    refunded = client_a.get(f"/register/orders/{order.reference}/")

    assert b"Show this code at check-in." in paid_page.content
    assert b"its check-in code is theirs" in handed_over.content
    assert b"no longer valid: the badge has no check-in code" in refunded.content
    assert b"appears once the order is paid" not in handed_over.content + refunded.content
