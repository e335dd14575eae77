"""Complimentary badges issued by another app's service — the staffing app's comped staff
badge, the badges that come with a dealer's paid table: a free, paid order of one badge of a
staff or dealer level, numbered from the event's range of that kind, through the same payment
step as every order (ban list, numbers, confirmation mail). Revoked by cancelling that order
(a cancelled order's badge is never checked in)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from event.models import BadgeNumberRange, Event
from register.models import BadgeLevel, Order, Registration
from register.selectors import registration_settings
from register.services.audit import audit, record_status
from register.services.payment import order_mark_paid
from register.services.purchase import new_order_reference
from tenant.models import User
from tenant.signals import attendee_joined


@transaction.atomic
def staff_badge_comp(
    *,
    event: Event,
    account: User,
    level: BadgeLevel,
    legal_name: str,
    badge_name: str,
    birthdate: dt.date,
    phone: str,
    emergency_contact: str,
    by: User | None = None,
) -> Registration:
    """Give ``account`` a free badge of a staff level (``badge_kind`` staff), numbered from the
    staff range. Idempotent: a person who already holds a staff badge at the event keeps it.

    Side effects: an order (provider free) paid at 0 through ``order_mark_paid`` — the ban list
    may hold it for review, else the badge is numbered and the confirmation mailed after the
    commit; the directory learns the person attends (``attendee_joined``)."""
    if level.event_id != event.pk or level.badge_kind != BadgeNumberRange.Kind.STAFF:
        raise ValidationError("Only a staff badge level of this event can be comped.")
    # One comp at a time per account here: the account's row in public is the lock.
    User.objects.select_for_update().filter(pk=account.pk).first()
    existing = (
        Registration.objects.filter(
            event=event,
            level__badge_kind=BadgeNumberRange.Kind.STAFF,
            order__account=account,
            order__status__in=[Order.Status.PAID, Order.Status.HELD],
        )
        .select_related("level")
        .first()
    )
    if existing is not None:
        return existing
    return _comp_order(
        event=event,
        account=account,
        level=level,
        person={
            "legal_name": legal_name,
            "badge_name": badge_name,
            "birthdate": birthdate,
            "email": account.email,
            "phone": phone,
            "emergency_contact": emergency_contact,
        },
        reason="comped staff badge",
        by=by,
    )


@transaction.atomic
def dealer_badge_comp(
    *,
    event: Event,
    account: User,
    level: BadgeLevel,
    legal_name: str,
    badge_name: str,
    birthdate: dt.date,
    email: str,
    phone: str,
    emergency_contact: str,
    by: User | None = None,
) -> Registration:
    """A badge of a dealer level for the dealer ``account`` or one of their partners (``email``
    is the holder's): paid for with the dealer's table, so free here, and numbered from the
    dealer range. The dealers' den counts how many a table comes with."""
    if level.event_id != event.pk or level.badge_kind != BadgeNumberRange.Kind.DEALER:
        raise ValidationError("Only a dealer badge level of this event can be issued to dealers.")
    if not BadgeNumberRange.objects.filter(event=event, kind=BadgeNumberRange.Kind.DEALER).exists():
        raise ValidationError(
            gettext("This event has no dealer badge numbers: the team sets a dealer range first.")
        )
    return _comp_order(
        event=event,
        account=account,
        level=level,
        person={
            "legal_name": legal_name,
            "badge_name": badge_name,
            "birthdate": birthdate,
            "email": email,
            "phone": phone,
            "emergency_contact": emergency_contact,
        },
        reason="dealer badge",
        by=by,
    )


@transaction.atomic
def comp_revoke(*, registration_id: int, by: User | None = None, note: str = "") -> None:
    """Cancel the free order of a comped badge (the table it came with was cancelled): it can no
    longer be checked in. Its badge number stays taken (never reused)."""
    order = Order.objects.select_for_update().get(registrations__pk=registration_id)
    if order.total != 0 or order.status not in (Order.Status.PAID, Order.Status.HELD):
        return
    from_status = order.status
    order.status = Order.Status.CANCELLED
    audit(order, by=by, reason=f"comp revoked: {note}" if note else "comp revoked")
    order.save(update_fields=["status"])
    record_status(order, order.status, from_status=from_status, by=by, note=note)


def _comp_order(
    *,
    event: Event,
    account: User,
    level: BadgeLevel,
    person: dict[str, object],
    reason: str,
    by: User | None,
) -> Registration:
    order = Order(
        event=event,
        reference=new_order_reference(),
        account=account,
        status=Order.Status.PENDING,
        provider=Order.Provider.FREE,
        currency=registration_settings(event=event).currency,
        subtotal=Decimal("0"),
        discount_total=Decimal("0"),
        total=Decimal("0"),
    )
    audit(order, by=by, reason=reason)
    order.save(force_insert=True)
    registration = Registration.objects.create(
        order=order, event=event, level=level, price=Decimal("0"), **person
    )
    order_mark_paid(order_id=order.pk, amount=Decimal("0"), by=by, note=reason)
    attendee_joined.send(sender=Order, account_id=account.pk)
    registration.refresh_from_db()
    return registration
