"""The audit trail's two records: who changed a row and why (django-simple-history), and each
order's status changes."""

from __future__ import annotations

from typing import Any

from register.models import Order, OrderStatusChange
from tenant.models import User


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
    """Add one line to the order's status history."""
    OrderStatusChange.objects.create(
        order=order, from_status=from_status, to_status=to_status, changed_by=by, note=note
    )
