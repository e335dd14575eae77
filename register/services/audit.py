"""The audit trail's two records: who changed a row and why (django-simple-history), and each
order's status changes."""

from __future__ import annotations

from typing import Any

from register.models import Order, OrderStatusChange
from tenant.models import User
from tenant.signals import integration_event

# A badge stops being one when its order goes to one of these (for integrations' webhooks).
_BADGES_END = {Order.Status.CANCELLED, Order.Status.REFUNDED, Order.Status.EXPIRED}
_TOLD = {Order.Status.PAID, Order.Status.CANCELLED, Order.Status.REFUNDED}


def audit(instance: Any, *, by: User | None = None, reason: str = "") -> None:
    """Tell the audit trail who is acting (when not the request's user) and why, for the next
    save of ``instance``."""
    if by is not None:
        instance._history_user = by
    if reason:
        instance._change_reason = reason[:100]


def record_status(
    order: Order, to_status: str, *, by: User | None = None, note: str = "", from_status: str = ""
) -> None:
    """Add one line to the order's status history, and tell the convention's integrations
    when the order became paid, cancelled or refunded and when its badges ended (every status
    change passes here, so no path is missed)."""
    OrderStatusChange.objects.create(
        order=order, from_status=from_status, to_status=to_status, changed_by=by, note=note
    )
    if to_status == from_status:
        return
    if to_status in _TOLD:
        facts = {
            "id": order.pk,
            "reference": order.reference,
            "status": to_status,
            "total": str(order.total),
            "refunded_total": str(order.refunded_total),
            "currency": order.currency,
        }
        integration_event.send(sender=Order, kind=f"order.{to_status}", data={"order": facts})
    if to_status in _BADGES_END:
        for registration in order.registrations.all():
            badge = {
                "id": registration.pk,
                "order_id": order.pk,
                "level_id": registration.level_id,
                "badge_number": registration.badge_number,
                "because": to_status,
            }
            integration_event.send(
                sender=Order, kind="registration.cancelled", data={"registration": badge}
            )
