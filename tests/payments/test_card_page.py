"""The simulated card page ``payments`` serves for everything sold (registration's orders here):
only the buyer reaches it, on their own convention's host, and it pays exactly once."""

import datetime as dt
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from payments.services import stripe_event_handle
from register.models import Order
from register.services import order_place
from tests.factories.event import EventFactory
from tests.factories.register import BadgeLevelFactory, attendee
from tests.factories.tenant import PASSWORD, UserFactory
from tests.vendors.conftest import apply, make_den
from vendors.services import application_decide

APPROVED = "4242 4242 4242 4242"


@pytest.fixture
def order(tenant_a, settings):
    settings.DEBUG = True  # the simulated card exists only with DEBUG on
    with tenant_context(tenant_a):
        event = EventFactory(is_active=True, start_date=dt.date(2031, 7, 1))
        level = BadgeLevelFactory(event=event, price=Decimal("60.00"))
        return order_place(
            event=event, account=UserFactory(), provider="simulated", attendees=[attendee(level)]
        )


def _page(order: Order) -> str:
    return f"/payments/pay/register/{order.reference}/"


def _as(client, account):
    client.post("/accounts/login/", {"username": account.email, "password": PASSWORD})
    return client


def test_the_buyer_pays_once_and_lands_on_the_order(order, client_a, tenant_a):
    _as(client_a, order.account)

    paid = client_a.post(_page(order), {"card_number": APPROVED})
    again = client_a.get(_page(order))

    with tenant_context(tenant_a):
        order.refresh_from_db()
    assert paid.status_code == 302 and paid["Location"] == f"/register/orders/{order.reference}/"
    assert again.status_code == 302  # paid: nothing left to pay
    assert order.status == "paid"


def test_a_declined_card_pays_nothing(order, client_a, tenant_a):
    _as(client_a, order.account)

    response = client_a.post(_page(order), {"card_number": "4000 0000 0000 0002"})

    with tenant_context(tenant_a):
        order.refresh_from_db()
    assert response.status_code == 402
    assert b"declined" in response.content
    assert order.status == "pending"


def test_someone_else_cannot_reach_the_buyers_page(order, client_a, tenant_a):
    _as(client_a, UserFactory())

    response = client_a.post(_page(order), {"card_number": APPROVED})

    with tenant_context(tenant_a):
        order.refresh_from_db()
    assert response.status_code == 404
    assert order.status == "pending"


def test_another_conventions_host_does_not_know_the_order(order, client_b):
    """The same account and reference on convention B's host: B's schema has no such order."""
    _as(client_b, order.account)

    assert client_b.post(_page(order), {"card_number": APPROVED}).status_code == 404


def test_a_kind_nobody_sells_is_404(order, client_a):
    _as(client_a, order.account)

    assert client_a.get(f"/payments/pay/raffle/{order.reference}/").status_code == 404


def test_the_old_card_page_sends_the_buyer_on(order, client_a):
    _as(client_a, order.account)

    response = client_a.get(f"/register/orders/{order.reference}/pay/")

    # On through its event's address (the old link was bare), to the card page there.
    assert response.status_code == 302
    assert response["Location"] == f"/{order.event.slug}{_page(order)}"


def test_a_stripe_checkout_of_a_dealers_invoice_pays_that_invoice(tenant_a, settings):
    """The webhook hands a paid Checkout to the app that opened it: the vendors' kind."""
    with tenant_context(tenant_a):
        application = apply(make_den())
        application = application_decide(application_id=application.pk, decision="approved")
        data = {
            "id": "cs_test_v",
            "payment_status": "paid",
            "client_reference_id": application.reference,
            "amount_total": 6000,
            "payment_intent": "pi_vendor",
            "metadata": {"schema": "alpha", "kind": "vendors"},
        }

        outcome = stripe_event_handle(
            event_id="evt_vendor", event_type="checkout.session.completed", data=data
        )

        application.refresh_from_db()
    assert outcome == "paid"
    assert (application.status, application.provider_reference) == ("paid", "pi_vendor")
