"""What an order costs: each badge at the price tier of the day at the event, free for young
children on "free under an age" levels, less the discount code's share, plus add-ons. Computed
on the server and frozen on the order; nothing the client sends is trusted for money."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from event.models import Event
from register.models import AddOn, BadgeLevel, DiscountCode, Registration
from register.selectors import active_order_q, level_price_on
from register.services.inputs import CENT, ZERO, AttendeeInput
from register.services.rules import free_for_age


@dataclass(frozen=True)
class CodeTerms:
    """A discount code's terms, read once per order: the levels it discounts (empty: all),
    the hidden levels it unlocks and how many more badges it may discount (None: no limit)."""

    code: DiscountCode
    levels: frozenset[int]
    unlocks: frozenset[int]
    uses_left: int | None

    @classmethod
    def of(cls, code: DiscountCode | None, *, now: dt.datetime) -> CodeTerms | None:
        if code is None:
            return None
        uses_left = None
        if code.max_uses is not None:
            used = Registration.objects.filter(
                active_order_q(now=now, prefix="order__"), order__discount_code=code, discount__gt=0
            ).count()
            uses_left = max(code.max_uses - used, 0)
        return cls(
            code=code,
            levels=frozenset(code.levels.values_list("pk", flat=True)),
            unlocks=frozenset(code.unlocks.values_list("pk", flat=True)),
            uses_left=uses_left,
        )


def discount_for(price: Decimal, code: DiscountCode) -> Decimal:
    """One badge's discount: a percentage (rounded half up to the cent) or a fixed amount, never
    more than the price."""
    if code.kind == DiscountCode.Kind.PERCENT:
        return (price * code.amount / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return min(code.amount, price)


@dataclass(frozen=True)
class PricedBadge:
    attendee: AttendeeInput
    level: BadgeLevel
    price: Decimal
    discount: Decimal


@dataclass(frozen=True)
class PricedOrder:
    badges: list[PricedBadge]
    subtotal: Decimal
    discount_total: Decimal

    @property
    def total(self) -> Decimal:
        return self.subtotal - self.discount_total


def price_order(
    attendees: Sequence[AttendeeInput],
    *,
    event: Event,
    day: dt.date,
    levels: dict[int, BadgeLevel],
    add_ons: dict[int, AddOn],
    terms: CodeTerms | None,
) -> PricedOrder:
    """Price every badge on ``day`` (at the event) and the add-ons; the code discounts the
    badges it covers, in order, until its uses run out. A code that neither discounts nor
    unlocks anything in the order is refused."""
    uses_left = terms.uses_left if terms else None
    badges = []
    for attendee in attendees:
        level = levels[attendee.level_id]
        price = level_price_on(level=level, day=day)
        if free_for_age(level, birthdate=attendee.birthdate, event=event):
            price = ZERO
        discount = ZERO
        covered = terms is not None and (not terms.levels or level.pk in terms.levels)
        if terms and covered and price > 0 and (uses_left is None or uses_left > 0):
            discount = discount_for(price, terms.code)
            uses_left = None if uses_left is None else uses_left - 1
        badges.append(PricedBadge(attendee, level, price, discount))
    if terms and not terms.unlocks & set(levels) and not any(b.discount for b in badges):
        raise ValidationError(
            {"discount_code": gettext("This code does not apply to these badges.")}
        )
    add_on_total = sum(
        (add_ons[i].price for attendee in attendees for i, _ in attendee.add_ons), ZERO
    )
    return PricedOrder(
        badges=badges,
        subtotal=sum((b.price for b in badges), ZERO) + add_on_total,
        discount_total=sum((b.discount for b in badges), ZERO),
    )
