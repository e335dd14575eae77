"""Stripe Checkout and its webhooks; only Stripe's HTTP API is stubbed (responses)."""

import datetime as dt
import hashlib
import hmac
import json
import time
from decimal import Decimal

import pytest
import responses
from django_tenants.utils import tenant_context

from payments.models import StripeEvent
from register.models import Order
from register.services import order_place, orders_release_expired_holds
from tests.factories.event import EventFactory
from tests.factories.register import BadgeLevelFactory, attendee
from tests.factories.tenant import PASSWORD, UserFactory

WEBHOOK_SECRET = "whsec_test_midsummer"
SESSIONS_URL = "https://api.stripe.com/v1/checkout/sessions"
REFUNDS_URL = "https://api.stripe.com/v1/refunds"
WEBHOOK_URL = "/payments/stripe/webhook/"


@pytest.fixture(autouse=True)
def stripe_keys(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_midsummer"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET


@pytest.fixture
def order(tenant_a):
    with tenant_context(tenant_a):
        level = BadgeLevelFactory(event=EventFactory(is_active=True), price=Decimal("60.00"))
        yield order_place(
            event=level.event,
            account=UserFactory(),
            provider="stripe",
            attendees=[attendee(level)],
        )


def _signed(payload: dict, secret: str = WEBHOOK_SECRET) -> tuple[bytes, str]:
    body = json.dumps(payload).encode()
    timestamp = int(time.time())
    signature = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return body, f"t={timestamp},v1={signature.hexdigest()}"


def _completed(order: Order, *, event_id="evt_1", schema="alpha", amount=6000) -> dict:
    return {
        "id": event_id,
        "object": "event",
        "type": "checkout.session.completed",
        "data": {
            "object": {
                "id": "cs_test_1",
                "object": "checkout.session",
                "payment_status": "paid",
                "client_reference_id": order.reference,
                "amount_total": amount,
                "payment_intent": "pi_test_1",
                "metadata": {"schema": schema},
            }
        },
    }


def _deliver(client, payload: dict, secret: str = WEBHOOK_SECRET, *, url=WEBHOOK_URL):
    body, signature = _signed(payload, secret)
    return client.post(
        url,
        body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
    )


@responses.activate
def test_checkout_sends_the_buyer_to_stripe(tenant_a, client_a):
    responses.post(
        SESSIONS_URL,
        json={
            "id": "cs_test_9",
            "object": "checkout.session",
            "url": "https://checkout.stripe.com/c/pay/cs_test_9",
        },
    )
    with tenant_context(tenant_a):
        level = BadgeLevelFactory(event=EventFactory(is_active=True), price=Decimal("60.00"))
    buyer = UserFactory()
    client_a.post("/accounts/login/", {"username": buyer.email, "password": PASSWORD})
    form = {
        "attendee-TOTAL_FORMS": 1,
        "attendee-INITIAL_FORMS": 0,
        "provider": "stripe",
        "submission": "s",
        "attendee-0-level": level.pk,
        "attendee-0-legal_name": "Robin Fox",
        "attendee-0-badge_name": "Robin",
        "attendee-0-birthdate": "1990-01-01",
        "attendee-0-email": "robin@example.org",
        "attendee-0-phone": "555",
        "attendee-0-emergency_contact": "Sam 555",
    }

    response = client_a.post("/register/", form)

    sent = dict(pair.split("=", 1) for pair in responses.calls[0].request.body.split("&"))
    assert response.status_code == 302
    assert response["Location"] == "https://checkout.stripe.com/c/pay/cs_test_9"
    assert sent["line_items[0][price_data][unit_amount]"] == "6000"
    assert (sent["metadata[schema]"], sent["metadata[kind]"]) == ("alpha", "register")
    with tenant_context(tenant_a):
        assert Order.objects.get().provider_reference == "cs_test_9"


def test_signed_webhook_pays_the_order_once(order, client_a):
    first = _deliver(client_a, _completed(order))
    again = _deliver(client_a, _completed(order))

    order.refresh_from_db()
    assert first.json() == {"outcome": "paid"}
    assert again.json() == {"outcome": "duplicate"}
    assert order.status == "paid"
    assert list(order.status_changes.values_list("to_status", flat=True)) == ["pending", "paid"]


def test_the_webhook_url_set_up_before_payments_still_pays(order, client_a):
    response = _deliver(client_a, _completed(order), url="/register/stripe/webhook/")

    order.refresh_from_db()
    assert response.json() == {"outcome": "paid"}
    assert order.status == "paid"


def test_a_session_of_a_kind_nobody_sells_pays_nothing(order, client_a):
    payload = _completed(order)
    payload["data"]["object"]["metadata"]["kind"] = "raffle"

    response = _deliver(client_a, payload)

    order.refresh_from_db()
    assert response.json() == {"outcome": "unknown order"}
    assert order.status == "pending"


def test_webhook_with_a_bad_signature_is_refused(order, client_a):
    response = _deliver(client_a, _completed(order), secret="whsec_forged")

    order.refresh_from_db()
    assert response.status_code == 400
    assert response.json() == {"error": "The Stripe signature does not verify."}
    assert order.status == "pending"
    assert StripeEvent.objects.count() == 0


@responses.activate
def test_late_payment_for_an_expired_order_is_refunded_and_recorded(order, client_a):
    responses.post(REFUNDS_URL, json={"id": "re_1", "object": "refund", "status": "succeeded"})
    orders_release_expired_holds(now=order.hold_expires_at + dt.timedelta(seconds=1))

    response = _deliver(client_a, _completed(order, event_id="evt_late"))

    order.refresh_from_db()
    assert response.json() == {"outcome": "late payment refunded"}
    assert "payment_intent=pi_test_1" in responses.calls[0].request.body
    assert order.status == "expired"
    assert order.status_changes.last().note == "late Stripe payment 60 refunded"


@responses.activate
def test_failed_refund_leaves_the_event_for_stripe_to_retry(order, client_a):
    responses.post(REFUNDS_URL, status=500, json={"error": {"message": "try later"}})
    orders_release_expired_holds(now=order.hold_expires_at + dt.timedelta(seconds=1))

    response = _deliver(client_a, _completed(order, event_id="evt_retry"))

    assert response.status_code == 503
    assert not StripeEvent.objects.filter(event_id="evt_retry").exists()


def test_webhook_for_another_tenants_order_changes_nothing(order, client_b, tenant_a):
    response = _deliver(client_b, _completed(order, schema="alpha"))

    with tenant_context(tenant_a):
        order.refresh_from_db()
    assert response.json() == {"outcome": "ignored"}
    assert order.status == "pending"


def test_wrong_amount_is_flagged_not_paid(order, client_a):
    response = _deliver(client_a, _completed(order, amount=100))

    order.refresh_from_db()
    assert response.json() == {"outcome": "flagged: amount mismatch"}
    assert order.status == "pending"
    assert "expected 60.00" in order.status_changes.last().note


@responses.activate
def test_refunding_a_stripe_order_returns_the_money_through_stripe(order, client_a):
    from register.services import order_refund

    _deliver(client_a, _completed(order))
    responses.post(REFUNDS_URL, json={"id": "re_2", "object": "refund", "status": "succeeded"})

    order_refund(order_id=order.pk, amount=Decimal("15.00"))

    sent = responses.calls[0].request.body
    order.refresh_from_db()
    assert "payment_intent=pi_test_1" in sent and "amount=1500" in sent
    assert order.refunded_total == Decimal("15.00")


@responses.activate
def test_a_refund_stripe_refuses_changes_nothing(order, client_a):
    import stripe

    from register.services import order_refund

    _deliver(client_a, _completed(order))
    responses.post(REFUNDS_URL, status=402, json={"error": {"message": "insufficient funds"}})

    with pytest.raises(stripe.StripeError):
        order_refund(order_id=order.pk, amount=Decimal("15.00"))

    order.refresh_from_db()
    assert (order.status, order.refunded_total) == ("paid", Decimal("0"))
