"""Reads of orders and badges: which orders hold places, whose badges are whose."""

from __future__ import annotations

import datetime as dt

from django.db.models import Min, Q, QuerySet
from django.utils.translation import gettext

from register.models import (
    Order,
    Registration,
    Transfer,
    Upgrade,
    WaitlistEntry,
    checkin_token_hash,
)
from register.selectors.settings import self_cancel_deadline

# What a badge card shows besides the badge: the add-ons bought with it and the answers given.
BADGE_DETAILS = ("add_ons__add_on", "answers__question")


def active_order_q(*, now: dt.datetime, prefix: str = "") -> Q:
    """Orders that hold places: paid (held for review too), or pending with a hold that has not
    run out (or no expiry at all: pay at the door)."""
    status, hold = f"{prefix}status", f"{prefix}hold_expires_at"
    return Q(**{f"{status}__in": [Order.Status.PAID, Order.Status.HELD]}) | (
        Q(**{status: Order.Status.PENDING})
        & (Q(**{f"{hold}__isnull": True}) | Q(**{f"{hold}__gt": now}))
    )


def held_by_q(*, account_id: int) -> Q:
    """Badges this account holds: accepted transfers, and what it bought and did not hand on."""
    return Q(holder_id=account_id) | Q(holder__isnull=True, order__account_id=account_id)


def about_person_q(*, account_id: int, proven_email: str) -> Q:
    """Badges that are this person's data: those they hold, and — only once they proved they
    read that mailbox — badges someone else bought for their address."""
    email_key = proven_email.strip().lower()
    mine = held_by_q(account_id=account_id)
    return mine | Q(email__iexact=email_key) if email_key else mine


def registrations_of_account(*, account_id: int) -> QuerySet[Registration]:
    """The badges this account holds across the convention's events (soonest event first, then
    in the order they were bought; not expired or cancelled), with their event, order, level,
    add-ons and answers."""
    return (
        Registration.objects.filter(held_by_q(account_id=account_id))
        .exclude(order__status__in=[Order.Status.EXPIRED, Order.Status.CANCELLED])
        .select_related("order", "level", "event")
        .prefetch_related(*BADGE_DETAILS)
        .order_by("event__start_date", "order__created_at", "pk")
    )


def registration_of_account(*, registration_id: int, account_id: int) -> Registration | None:
    """One paid badge this account holds, else None."""
    return (
        registrations_of_account(account_id=account_id)
        .filter(pk=registration_id, order__status=Order.Status.PAID)
        .select_related("event")
        .first()
    )


def registration_by_retired_token(*, token: str) -> tuple[int, int] | None:
    """(badge id, event id) of the badge a check-in code belonged to before it was handed over
    to someone else."""
    return (
        Transfer.objects.filter(retired_token_hash=checkin_token_hash(token))
        .values_list("registration_id", "registration__event_id")
        .first()
    )


def registration_by_checkin_token(*, token: str) -> Registration | None:
    """The badge a check-in code belongs to, if it may check in: paid and assigned."""
    return (
        Registration.objects.filter(
            checkin_token=token, order__status=Order.Status.PAID, needs_holder=False
        )
        .select_related("level", "order")
        .first()
    )


def order_of_account(*, reference: str, account_id: int) -> Order | None:
    """The account's order with this reference, with its event and badges (their level,
    add-ons and answers)."""
    return (
        Order.objects.filter(reference=reference, account_id=account_id)
        .select_related("event")
        .prefetch_related("registrations__level", *(f"registrations__{d}" for d in BADGE_DETAILS))
        .first()
    )


def order_placed_by_form(*, account_id: int, submission: str) -> str | None:
    """The reference of the order ``account_id`` placed with the order form's one-time key
    ``submission``, if that form was sent before."""
    if not submission:
        return None
    return (
        Order.objects.filter(account_id=account_id, submission=submission)
        .values_list("reference", flat=True)
        .first()
    )


def order_upgrade(*, order: Order) -> Upgrade | None:
    """The upgrade this order pays for, if it is an upgrade's order."""
    return (
        Upgrade.objects.filter(order=order)
        .select_related("registration", "from_level", "to_level")
        .first()
    )


def self_cancel_refusal(*, order: Order, account_id: int, today: dt.date) -> str | None:
    """Why ``account_id`` cannot cancel ``order`` themselves on ``today`` (the event's day), or
    None when they can. The order page offers *Cancel this order* only when this is None, and
    ``order_cancel_by_attendee`` refuses with this message."""
    if order.account_id != account_id:
        return gettext("This is not your order.")
    if self_cancel_deadline(event=order.event, today=today) is None:
        return gettext("This order can no longer be cancelled here; please ask the team.")
    if order.registrations.filter(holder__isnull=False).exclude(holder_id=account_id).exists():
        return gettext("A badge of this order now belongs to someone else; ask the team.")
    if Upgrade.objects.filter(order=order, applied_at__isnull=False).exists():
        return gettext("A paid upgrade cannot be cancelled here; please ask the team.")
    if order.status not in (Order.Status.PENDING, Order.Status.PAID, Order.Status.HELD):
        return gettext("This order is %(status)s.") % {"status": order.get_status_display().lower()}
    return None


def attendee_account_ids() -> set[int]:
    """Accounts that placed an order here or hold a badge handed to them."""
    buyers = Order.objects.values_list("account_id", flat=True).distinct()
    holders = Registration.objects.filter(holder__isnull=False).values_list("holder_id", flat=True)
    return set(buyers) | set(holders)


def account_has_paid_registration(*, account_id: int) -> bool:
    return Order.objects.filter(account_id=account_id, status=Order.Status.PAID).exists()


def badge_levels_held(*, event_id: int, account_id: int) -> set[int]:
    """The levels of the paid badges this account holds at the event (a sponsor pin is for
    whoever holds a sponsor badge)."""
    return set(
        Registration.objects.filter(
            held_by_q(account_id=account_id), event_id=event_id, order__status=Order.Status.PAID
        ).values_list("level_id", flat=True)
    )


def registrations_listed(
    *,
    event_id: int,
    status: str = "",
    level_id: int | None = None,
    changed_since: dt.datetime | None = None,
    paid_since: dt.datetime | None = None,
) -> QuerySet[Registration]:
    """The event's registrations for an integration (the REST API), by order status, level,
    when they were paid and what changed since a moment — the badge or its order, as their
    audit trails record it (every write of the services goes through them)."""
    found = Registration.objects.filter(event_id=event_id).select_related("order", "level")
    if status:
        found = found.filter(order__status=status)
    if level_id is not None:
        found = found.filter(level_id=level_id)
    if paid_since is not None:
        found = found.filter(order__paid_at__gte=paid_since)
    if changed_since is not None:
        badges = Registration.history.model.objects.filter(history_date__gt=changed_since)
        orders = Order.history.model.objects.filter(history_date__gt=changed_since)
        found = found.filter(Q(pk__in=badges.values("id")) | Q(order_id__in=orders.values("id")))
    return found


def orders_listed(
    *,
    event_id: int,
    status: str = "",
    changed_since: dt.datetime | None = None,
    paid_since: dt.datetime | None = None,
) -> QuerySet[Order]:
    """The event's orders with their badges for an integration (the REST API), by status,
    when paid and what changed since a moment (the order's audit trail)."""
    found = Order.objects.filter(event_id=event_id).prefetch_related("registrations__level")
    if status:
        found = found.filter(status=status)
    if paid_since is not None:
        found = found.filter(paid_at__gte=paid_since)
    if changed_since is not None:
        changed = Order.history.model.objects.filter(history_date__gt=changed_since)
        found = found.filter(pk__in=changed.values("id"))
    return found


def next_hold_expiry() -> dt.datetime | None:
    """When the first pending order's hold runs out, of every event (the due index's
    ``next_due`` of ``register.release_expired_holds``)."""
    return Order.objects.filter(
        status=Order.Status.PENDING, hold_expires_at__isnull=False
    ).aggregate(at=Min("hold_expires_at"))["at"]


def next_waitlist_offer_expiry() -> dt.datetime | None:
    """When the first open waiting-list offer lapses (``register.process_waitlists``; freed
    places queue that task themselves)."""
    return WaitlistEntry.objects.filter(status=WaitlistEntry.Status.OFFERED).aggregate(
        at=Min("offer_expires_at")
    )["at"]
