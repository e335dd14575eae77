"""Money and an order's life after it is placed: payment (badge numbers, or review), refunds,
cancellations and holds that run out. How the money moves is ``payments``' business."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from event.selectors import event_today
from payments.kinds import PaymentConflictError
from payments.services import provider_refund
from register.models import BadgeLevel, Order, Registration, Upgrade
from register.selectors import ban_matches_any, self_cancel_refusal
from register.services.audit import audit, record_status
from register.services.badge_numbers import badge_numbers_assign
from register.services.capacity import waitlist_queue_processing
from register.services.upgrades import apply_upgrade, undo_upgrade
from tenant.models import User
from tenant.tasks import queue_after_commit


def _badges_of(order: Order) -> tuple[list[Registration], dict[int, BadgeLevel]]:
    registrations = list(order.registrations.select_related("level").order_by("pk"))
    return registrations, {r.level_id: r.level for r in registrations}


@transaction.atomic
def order_mark_paid(
    *, order_id: int, amount: Decimal, by: User | None = None, note: str = ""
) -> Order:
    """Record full payment: badge numbers are assigned and the confirmation is queued.

    If anyone in the order matches the ban list, the order is *held for review* instead: the
    money is taken and the places stay held, but there are no badge numbers and no check-in
    code until the registration lead approves it (``order_review_approve``) or refunds it; the
    buyer is told by mail.

    Idempotent: paying a paid order again changes nothing. A payment for an order that expired
    or was cancelled raises PaymentConflictError for the caller to refund or flag — never ignored.
    """
    # The event comes along (badge numbers need it); only the order's row is locked.
    order = Order.objects.select_for_update(of=("self",)).select_related("event").get(pk=order_id)
    if order.status in (Order.Status.PAID, Order.Status.HELD):
        return order
    if order.status != Order.Status.PENDING:
        raise PaymentConflictError(f"Order {order.reference} is {order.status}; it cannot be paid.")
    if amount != order.total:
        raise ValidationError(f"Payment of {amount} does not match the total {order.total}.")
    reason = f"paid: {note}" if note else "paid"
    upgrade = Upgrade.objects.select_related("to_level").filter(order=order).first()
    held = False
    if upgrade is not None:
        apply_upgrade(upgrade, by=by)
    else:
        registrations, levels = _badges_of(order)
        held = bool(ban_matches_any(registrations))
        if not held:
            badge_numbers_assign(
                registrations, event=order.event, levels=levels, by=by, reason=reason
            )
    order.status = Order.Status.HELD if held else Order.Status.PAID
    order.paid_at = timezone.now()
    order.hold_expires_at = None
    audit(order, by=by, reason=reason + (", held for review" if held else ""))
    order.save(update_fields=["status", "paid_at", "hold_expires_at"])
    record_status(order, order.status, from_status=Order.Status.PENDING, by=by, note=note)
    order_id = order.pk
    if held:
        queue_after_commit("register.send_review_notice", order_id)
    else:
        queue_after_commit("register.send_order_confirmation", order_id)
    return order


@transaction.atomic
def order_review_approve(*, order_id: int, by: User | None = None) -> Order:
    """The registration lead lets an order held for review through: badge numbers are assigned
    and the confirmation is queued, as for any paid order."""
    order = Order.objects.select_for_update(of=("self",)).select_related("event").get(pk=order_id)
    if order.status != Order.Status.HELD:
        raise ValidationError(f"Order {order.reference} is not held for review.")
    registrations, levels = _badges_of(order)
    badge_numbers_assign(
        registrations, event=order.event, levels=levels, by=by, reason="approved after review"
    )
    order.status = Order.Status.PAID
    audit(order, by=by, reason="approved after review")
    order.save(update_fields=["status"])
    record_status(order, order.status, from_status=Order.Status.HELD, by=by, note="approved")
    queue_after_commit("register.send_order_confirmation", order_id)
    return order


def order_set_provider_reference(*, order: Order, reference: str) -> Order:
    """Remember the payment provider's id for the order (e.g. a Stripe Checkout session)."""
    order.provider_reference = reference
    order.save(update_fields=["provider_reference"])
    return order


@transaction.atomic
def order_refund(
    *, order_id: int, amount: Decimal, by: User | None = None, note: str = ""
) -> Order:
    """Refund part or all of a paid order. In full, the order is refunded and its places free
    again (offered to the waiting lists after commit); badge numbers stay taken (never
    reused). The amount can never exceed what was paid. Stripe orders are refunded through
    Stripe first: if Stripe refuses, nothing here changes.
    """
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.status not in (Order.Status.PAID, Order.Status.HELD):
        raise ValidationError(f"Order {order.reference} is {order.get_status_display().lower()}.")
    from_status = order.status
    refundable = order.total - order.refunded_total
    if amount <= 0 or amount > refundable:
        raise ValidationError(f"Refund between 0.01 and {refundable} {order.currency}.")
    provider_refund(
        provider=order.provider,
        provider_reference=order.provider_reference,
        amount=amount,
        idempotency_key=f"refund-{order.reference}-{order.refunded_total}",
    )
    order.refunded_total += amount
    fields = ["refunded_total"]
    if order.refunded_total == order.total:
        order.status = Order.Status.REFUNDED
        fields.append("status")
    audit(order, by=by, reason=f"refunded {amount}" + (f": {note}" if note else ""))
    order.save(update_fields=fields)
    if order.status == Order.Status.REFUNDED:
        upgrades = Upgrade.objects.select_related("from_level", "to_level").filter(order=order)
        for upgrade in upgrades:  # an upgrade refunded in full is undone
            undo_upgrade(upgrade, by=by)
        waitlist_queue_processing()
    record_status(
        order,
        order.status,
        from_status=from_status,
        by=by,
        note=f"refunded {amount} {order.currency}" + (f": {note}" if note else ""),
    )
    return order


@transaction.atomic
def order_cancel_by_attendee(
    *, order_id: int, account: User, now: dt.datetime | None = None
) -> Order:
    """The buyer cancels their own order within the organizer's window (``self_cancel_until``,
    in the event's time zone): an unpaid order is cancelled, a paid one (or one held for
    review) refunded in full through the provider it was paid with (``order_refund``). Either
    way its places are free again at once. Not once a badge of the order was handed to someone
    else, nor for a paid upgrade (the team refunds those in the admin)."""
    order = Order.objects.select_for_update(of=("self",)).select_related("event").get(pk=order_id)
    today = event_today(order.event, now)
    refusal = self_cancel_refusal(order=order, account_id=account.pk, today=today)
    if refusal is not None:
        raise ValidationError(refusal)
    if order.status == Order.Status.PENDING:
        return order_cancel(order_id=order.pk, by=account, note="by the attendee")
    refundable = order.total - order.refunded_total
    if refundable > 0:
        return order_refund(
            order_id=order.pk, amount=refundable, by=account, note="cancelled by the attendee"
        )
    return order_cancel_paid_without_refund(
        order=order, by=account, reason="cancelled by the attendee", note="by the attendee"
    )


def order_cancel_paid_without_refund(*, order: Order, by: User, reason: str, note: str) -> Order:
    """Cancel the locked, paid ``order`` keeping its money (nothing left to refund, or carried
    over as credit): its places are free at once, offered to the waiting lists after commit."""
    from_status = order.status
    order.status = Order.Status.CANCELLED
    audit(order, by=by, reason=reason)
    order.save(update_fields=["status"])
    waitlist_queue_processing()
    record_status(order, order.status, from_status=from_status, by=by, note=note)
    return order


DOOR_PAYMENT_METHODS = {"cash": "cash", "card": "card terminal"}


@transaction.atomic
def order_pay_at_door(*, order_id: int, by: User, method: str) -> Order:
    """A cashier took the money for a pay-at-the-door order (``method``: cash or the card
    terminal): it is paid in full, as ``order_mark_paid`` pays. Under the order's lock, so two
    cashiers taking one order's money at once cannot both succeed: the second is told it was
    already paid (the money goes back to the buyer) — ValidationError, nothing written."""
    if method not in DOOR_PAYMENT_METHODS:
        raise ValidationError(gettext("Choose cash or card terminal."))
    order = Order.objects.select_for_update(of=("self",)).get(pk=order_id)
    if order.provider != Order.Provider.DOOR:
        raise ValidationError(
            gettext("Order %(reference)s is not paid at the door.") % {"reference": order.reference}
        )
    if order.status in (Order.Status.PAID, Order.Status.HELD):
        raise ValidationError(
            gettext("Order %(reference)s is already paid: do not take the money again.")
            % {"reference": order.reference}
        )
    if order.status != Order.Status.PENDING:
        raise ValidationError(
            gettext("Order %(reference)s is %(status)s; it cannot be paid.")
            % {"reference": order.reference, "status": order.get_status_display().lower()}
        )
    return order_mark_paid(
        order_id=order.pk, amount=order.total, by=by, note=f"door: {DOOR_PAYMENT_METHODS[method]}"
    )


@transaction.atomic
def order_cancel(*, order_id: int, by: User | None = None, note: str = "") -> Order:
    """Cancel an unpaid order (card or door): its places are free at once (offered to the
    waiting lists after commit)."""
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.status != Order.Status.PENDING:
        raise ValidationError(f"Only unpaid orders can be cancelled; {order.reference} is not.")
    order.status = Order.Status.CANCELLED
    audit(order, by=by, reason=f"cancelled: {note}" if note else "cancelled")
    order.save(update_fields=["status"])
    waitlist_queue_processing()
    record_status(order, Order.Status.CANCELLED, from_status=Order.Status.PENDING, by=by, note=note)
    return order


def order_resend_confirmation(*, order: Order) -> None:
    """Queue the confirmation mails of a paid order again (after commit)."""
    if order.status != Order.Status.PAID:
        raise ValidationError(f"Order {order.reference} is not paid.")
    order_id = order.pk
    queue_after_commit("register.send_order_confirmation", order_id)


@transaction.atomic
def orders_release_expired_holds(*, now: dt.datetime | None = None) -> int:
    """Expire pending orders whose hold ran out (their places are free again, offered to the
    waiting lists after commit). Returns how many."""
    now = now or timezone.now()
    expired = list(
        Order.objects.select_for_update(skip_locked=True).filter(
            status=Order.Status.PENDING, hold_expires_at__lte=now
        )
    )
    for order in expired:
        order.status = Order.Status.EXPIRED
        audit(order, reason="hold expired")
        order.save(update_fields=["status"])
        record_status(order, Order.Status.EXPIRED, from_status=Order.Status.PENDING, note="hold")
    if expired:
        waitlist_queue_processing()
    return len(expired)
