"""Registration's orders as ``payments`` sees them (payments/kinds.py): the card page, Stripe's
webhook and the providers reach orders through :class:`RegisterOrders` only."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext

from midsummer.formats import format_event_time
from payments.kinds import Payable
from payments.providers import get_provider
from register.models import Order
from register.services import order_mark_paid, order_set_provider_reference
from register.services.audit import record_status

if TYPE_CHECKING:
    from tenant.models import User

KIND = "register"


def order_payable(order: Order) -> Payable:
    hold_note = ""
    if order.hold_expires_at and order.status == Order.Status.PENDING:
        until = format_event_time(order.hold_expires_at, order.event.timezone, with_date=False)
        hold_note = gettext("Your badges are held until %(until)s.") % {"until": until}
    return Payable(
        kind=KIND,
        reference=order.reference,
        total=order.total,
        currency=order.currency,
        description=gettext("%(event)s — order %(reference)s")
        % {"event": order.event.name, "reference": order.reference},
        return_url=reverse("register:order", kwargs={"reference": order.reference}),
        awaiting_payment=order.status == Order.Status.PENDING,
        hold_note=hold_note,
        start_again_url=reverse("register:start"),
    )


def payment_start(order: Order) -> str | None:
    """Where to send the buyer to pay the order, or None when nothing happens online."""
    return get_provider(order.provider).start(payable=order_payable(order))


class RegisterOrders:
    kind = KIND

    def _order(self, reference: str, account_id: int | None = None) -> Order | None:
        orders = Order.objects.select_related("event").filter(reference=reference)
        if account_id is not None:
            orders = orders.filter(account_id=account_id)
        return orders.first()

    def find(self, reference: str, *, account_id: int | None) -> Payable | None:
        order = self._order(reference, account_id)
        return order_payable(order) if order else None

    def mark_paid(self, reference: str, *, amount: Decimal, by: User | None, note: str) -> None:
        order = self._order(reference)
        if order is not None:
            order_mark_paid(order_id=order.pk, amount=amount, by=by, note=note)

    def set_provider_reference(self, reference: str, provider_reference: str) -> None:
        order = self._order(reference)
        if order is not None:
            order_set_provider_reference(order=order, reference=provider_reference)

    def payment_flagged(self, reference: str, *, note: str) -> None:
        order = self._order(reference)
        if order is not None:
            record_status(order, order.status, from_status=order.status, note=note)
