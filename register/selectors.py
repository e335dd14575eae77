from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q, QuerySet

from register.models import BadgeLevel, Order, Registration


def active_order_q(*, now: dt.datetime, prefix: str = "") -> Q:
    """Orders that hold places: paid, or pending with a hold that has not run out (or no
    expiry at all: pay at the door)."""
    status, hold = f"{prefix}status", f"{prefix}hold_expires_at"
    return Q(**{status: Order.Status.PAID}) | (
        Q(**{status: Order.Status.PENDING})
        & (Q(**{f"{hold}__isnull": True}) | Q(**{f"{hold}__gt": now}))
    )


def places_taken(*, level: BadgeLevel, now: dt.datetime) -> int:
    return Registration.objects.filter(
        active_order_q(now=now, prefix="order__"), level=level
    ).count()


def level_price_on(*, level: BadgeLevel, day: dt.date) -> Decimal:
    """The price tier in force on ``day`` (the latest that has started), else the level price."""
    tier = level.price_tiers.filter(starts_on__lte=day).order_by("-starts_on").first()
    return tier.price if tier else level.price


def registrations_of_account(*, account_id: int) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(order__account_id=account_id)
        .exclude(order__status__in=[Order.Status.EXPIRED, Order.Status.CANCELLED])
        .select_related("order", "level")
        .order_by("order__created_at", "pk")
    )


def registration_by_checkin_token(*, token: str) -> Registration | None:
    return (
        Registration.objects.filter(checkin_token=token, order__status=Order.Status.PAID)
        .select_related("level", "order")
        .first()
    )
