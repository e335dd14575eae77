"""The shop's orders as ``payments`` sees them (payments/kinds.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from shop.models import ShopOrder
from shop.services import order_mark_paid, order_payable

if TYPE_CHECKING:
    from payments.kinds import Payable
    from tenant.models import User


class ShopOrders:
    kind = "shop"

    def _order(self, reference: str, account_id: int | None = None) -> ShopOrder | None:
        found = ShopOrder.objects.select_related("event").filter(reference=reference)
        if account_id is not None:
            found = found.filter(account_id=account_id)
        return found.first()

    def find(self, reference: str, *, account_id: int | None) -> Payable | None:
        order = self._order(reference, account_id)
        return order_payable(order) if order else None

    def mark_paid(self, reference: str, *, amount: Decimal, by: User | None, note: str) -> None:
        order_mark_paid(reference=reference, amount=amount, note=note)

    def set_provider_reference(self, reference: str, provider_reference: str) -> None:
        ShopOrder.objects.filter(reference=reference).update(provider_reference=provider_reference)

    def payment_flagged(self, reference: str, *, note: str) -> None:
        order = self._order(reference)
        if order is not None:
            order._change_reason = note  # type: ignore[attr-defined]
            order.save(update_fields=["provider_reference"])
