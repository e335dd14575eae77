"""Complimentary badges issued by another app's service (the staffing app's comped staff
badge): a free, paid order of one badge of a staff level, numbered from the event's staff
range, through the same payment step as every order (ban list, numbers, confirmation mail)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from event.models import BadgeNumberRange, Event
from register.models import BadgeLevel, Order, Registration
from register.selectors import registration_settings
from register.services.audit import audit
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
    audit(order, by=by, reason="comped staff badge")
    order.save(force_insert=True)
    registration = Registration.objects.create(
        order=order,
        event=event,
        level=level,
        price=Decimal("0"),
        legal_name=legal_name,
        badge_name=badge_name,
        birthdate=birthdate,
        email=account.email,
        phone=phone,
        emergency_contact=emergency_contact,
    )
    order_mark_paid(order_id=order.pk, amount=Decimal("0"), by=by, note="comped staff badge")
    attendee_joined.send(sender=Order, account_id=account.pk)
    registration.refresh_from_db()
    return registration
