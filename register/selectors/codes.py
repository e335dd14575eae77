"""Discount codes: which code a buyer typed, and whether it may be used now — one rule for the
page that shows the code applied and for the purchase that takes it under a row lock."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from event.models import Event
from register.models import DiscountCode


def discount_code_valid_q(*, now: dt.datetime) -> Q:
    """Codes whose validity window contains ``now``: from ``valid_from`` (inclusive) until
    ``valid_until`` (exclusive); an empty bound is open."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=now)) & (
        Q(valid_until__isnull=True) | Q(valid_until__gt=now)
    )


def discount_codes_usable(*, event: Event, code: str, now: dt.datetime) -> QuerySet[DiscountCode]:
    """The event's code spelled ``code`` (any case, surrounding spaces ignored) if it may be
    used now; empty for a blank or unknown code. The purchase locks it from here."""
    spelled = code.strip()
    if not spelled:
        return DiscountCode.objects.none()
    return DiscountCode.objects.filter(discount_code_valid_q(now=now), event=event).filter(
        code__iexact=spelled
    )


def discount_code_valid_now(*, event: Event, code: str, now: dt.datetime) -> DiscountCode | None:
    """The event's code spelled ``code`` (any case), if it may be used now."""
    return discount_codes_usable(event=event, code=code, now=now).first()
