"""Payment providers behind one small interface, for everything a convention sells.

``start`` returns where to send the buyer to pay, or None when there is nothing to do online
(free orders are paid at once, door orders are paid at a desk later).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

import stripe
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from payments.kinds import Payable, payable_kind
from payments.models import Provider
from tenant.current import current_schema, site_link

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class PaymentProvider(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def label(self) -> StrOrPromise: ...

    def start(self, *, payable: Payable) -> str | None: ...


class FreeProvider:
    key, label = Provider.FREE, _("Free")

    def start(self, *, payable: Payable) -> str | None:
        return None


class DoorProvider:
    key, label = Provider.DOOR, _("Pay at the door")

    def start(self, *, payable: Payable) -> str | None:
        return None


class SimulatedCardProvider:
    """A pretend card form for development and demos; never available with DEBUG off."""

    key, label = Provider.SIMULATED, _("Card (simulated — no real money)")
    APPROVED = "4242424242424242"

    def __init__(self) -> None:
        if not settings.DEBUG:
            raise ImproperlyConfigured("The simulated card provider only exists with DEBUG on.")

    def start(self, *, payable: Payable) -> str | None:
        return reverse(
            "payments:pay-simulated", kwargs={"kind": payable.kind, "reference": payable.reference}
        )


def stripe_client() -> stripe.StripeClient:
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY)


class StripeCheckoutProvider:
    """Stripe Checkout: the buyer pays on Stripe; the signed webhook marks the payable paid."""

    key, label = Provider.STRIPE, _("Card (Stripe)")

    def __init__(self) -> None:
        if not (settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET):
            raise ImproperlyConfigured("Set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET.")

    def start(self, *, payable: Payable) -> str | None:
        back = site_link(payable.return_url)
        tenant_schema = current_schema()
        # Registration's sessions carried no kind before other apps sold things; its
        # idempotency key stays as it was so a retried start never opens a second session.
        key_prefix = "checkout" if payable.kind == "register" else f"checkout-{payable.kind}"
        session = stripe_client().v1.checkout.sessions.create(
            params={
                "mode": "payment",
                "client_reference_id": payable.reference,
                "metadata": {
                    "schema": tenant_schema,
                    "kind": payable.kind,
                    "order": payable.reference,
                },
                "line_items": [
                    {
                        "quantity": 1,
                        "price_data": {
                            "currency": payable.currency.lower(),
                            "unit_amount": int(payable.total * 100),
                            "product_data": {"name": payable.description},
                        },
                    }
                ],
                "success_url": back,
                "cancel_url": back,
            },
            options={"idempotency_key": f"{key_prefix}-{tenant_schema}-{payable.reference}"},
        )
        kind = payable_kind(payable.kind)
        if kind is not None:
            kind.set_provider_reference(payable.reference, session.id)
        return session.url


_PROVIDERS: dict[str, Callable[[], PaymentProvider]] = {
    Provider.FREE: FreeProvider,
    Provider.DOOR: DoorProvider,
    Provider.SIMULATED: SimulatedCardProvider,
    Provider.STRIPE: StripeCheckoutProvider,
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
