"""Payment providers behind one small interface.

``start`` returns where to send the buyer to pay, or None when there is nothing to do online
(free orders are paid at once, door orders are paid at a kiosk later).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

import stripe
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from register.models import Order
from register.services import order_set_provider_reference
from tenant.current import current_schema, site_link

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class PaymentProvider(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def label(self) -> StrOrPromise: ...

    def start(self, *, order: Order) -> str | None: ...


class FreeProvider:
    key, label = Order.Provider.FREE, _("Free")

    def start(self, *, order: Order) -> str | None:
        return None


class DoorProvider:
    key, label = Order.Provider.DOOR, _("Pay at the door")

    def start(self, *, order: Order) -> str | None:
        return None


class SimulatedCardProvider:
    """A pretend card form for development and demos; never available with DEBUG off."""

    key, label = Order.Provider.SIMULATED, _("Card (simulated — no real money)")
    APPROVED = "4242424242424242"

    def __init__(self) -> None:
        if not settings.DEBUG:
            raise ImproperlyConfigured("The simulated card provider only exists with DEBUG on.")

    def start(self, *, order: Order) -> str | None:
        return reverse("register:pay-simulated", kwargs={"reference": order.reference})


def stripe_client() -> stripe.StripeClient:
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY)


class StripeCheckoutProvider:
    """Stripe Checkout: the buyer pays on Stripe; the signed webhook marks the order paid."""

    key, label = Order.Provider.STRIPE, _("Card (Stripe)")

    def __init__(self) -> None:
        if not (settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET):
            raise ImproperlyConfigured("Set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET.")

    def start(self, *, order: Order) -> str | None:
        order_url = site_link(reverse("register:order", kwargs={"reference": order.reference}))
        tenant_schema = current_schema()
        session = stripe_client().v1.checkout.sessions.create(
            params={
                "mode": "payment",
                "client_reference_id": order.reference,
                "metadata": {"schema": tenant_schema, "order": order.reference},
                "line_items": [
                    {
                        "quantity": 1,
                        "price_data": {
                            "currency": order.currency.lower(),
                            "unit_amount": int(order.total * 100),
                            "product_data": {
                                "name": f"{order.event.name} — order {order.reference}"
                            },
                        },
                    }
                ],
                "success_url": order_url,
                "cancel_url": order_url,
            },
            options={"idempotency_key": f"checkout-{tenant_schema}-{order.reference}"},
        )
        order_set_provider_reference(order=order, reference=session.id)
        return session.url


_PROVIDERS: dict[str, Callable[[], PaymentProvider]] = {
    Order.Provider.FREE: FreeProvider,
    Order.Provider.DOOR: DoorProvider,
    Order.Provider.SIMULATED: SimulatedCardProvider,
    Order.Provider.STRIPE: StripeCheckoutProvider,
}


def get_provider(key: str) -> PaymentProvider:
    try:
        return _PROVIDERS[key]()
    except KeyError:
        raise ImproperlyConfigured(f"No payment provider {key!r}.") from None


def providers_for_checkout() -> list[PaymentProvider]:
    """The ways a buyer can choose to pay on this deployment."""
    available: list[PaymentProvider] = []
    if settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET:
        available.append(StripeCheckoutProvider())
    if settings.DEBUG:
        available.append(SimulatedCardProvider())
    available.append(DoorProvider())
    return available
