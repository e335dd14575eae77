"""Payment providers behind one small interface.

``start`` returns where to send the buyer to pay, or None when there is nothing to do online
(free orders are paid at once, door orders are paid at a kiosk later).
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from register.models import Order


class PaymentProvider(Protocol):
    key: str
    label: str

    def start(self, *, order: Order) -> str | None: ...


class FreeProvider:
    key, label = Order.Provider.FREE, "Free"

    def start(self, *, order: Order) -> str | None:
        return None


class DoorProvider:
    key, label = Order.Provider.DOOR, "Pay at the door"

    def start(self, *, order: Order) -> str | None:
        return None


class SimulatedCardProvider:
    """A pretend card form for development and demos; never available with DEBUG off."""

    key, label = Order.Provider.SIMULATED, "Card (simulated — no real money)"
    APPROVED = "4242424242424242"

    def __init__(self) -> None:
        if not settings.DEBUG:
            raise ImproperlyConfigured("The simulated card provider only exists with DEBUG on.")

    def start(self, *, order: Order) -> str | None:
        return reverse("register:pay-simulated", kwargs={"reference": order.reference})


_PROVIDERS = {
    Order.Provider.FREE: FreeProvider,
    Order.Provider.DOOR: DoorProvider,
    Order.Provider.SIMULATED: SimulatedCardProvider,
}


def get_provider(key: str) -> PaymentProvider:
    try:
        return _PROVIDERS[key]()
    except KeyError:
        raise ImproperlyConfigured(f"No payment provider {key!r}.") from None


def providers_for_checkout() -> list[PaymentProvider]:
    """The ways a buyer can choose to pay on this deployment."""
    available: list[PaymentProvider] = []
    if settings.DEBUG:
        available.append(SimulatedCardProvider())
    available.append(DoorProvider())
    return available
