"""What is on sale and how many places are left: the reads behind every capacity decision.

``places_taken`` is the one count of places held; the purchase runs it under the levels' row
locks (``register.services.capacity``) and the pages run the same statement without them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q

from event.models import Event
from event.selectors import event_today
from register.models import BadgeLevel, DiscountCode, Order, Registration, Upgrade, WaitlistEntry


def level_price_on(*, level: BadgeLevel, day: dt.date) -> Decimal:
    """The price tier in force on ``day`` (the latest that has started), else the level price.
    Uses prefetched ``price_tiers`` when there are any."""
    tiers = [tier for tier in level.price_tiers.all() if tier.starts_on <= day]
    return max(tiers, key=lambda tier: tier.starts_on).price if tiers else level.price


_PLACES_TAKEN_SQL = """
    SELECT r.level_id, count(*) FROM {registration} r JOIN {order} o ON o.id = r.order_id
     WHERE r.level_id = ANY(%(levels)s) AND {holding}
     GROUP BY r.level_id
    UNION ALL
    SELECT u.to_level_id, count(*) FROM {upgrade} u JOIN {order} o ON o.id = u.order_id
     WHERE u.to_level_id = ANY(%(levels)s) AND u.applied_at IS NULL AND {holding}
     GROUP BY u.to_level_id
    UNION ALL
    SELECT w.level_id, count(*) FROM {waitlist} w
     WHERE w.level_id = ANY(%(levels)s) AND w.status = %(offered)s AND w.offer_expires_at > %(now)s
       AND w.id IS DISTINCT FROM %(except_offer)s
     GROUP BY w.level_id
"""
# active_order_q in SQL: the order holds places (tests/register/test_places.py compares them).
_HOLDING_SQL = (
    "(o.status IN (%(paid)s, %(held)s) OR (o.status = %(pending)s"
    " AND (o.hold_expires_at IS NULL OR o.hold_expires_at > %(now)s)))"
)


def places_taken(
    *, level_ids: Iterable[int], now: dt.datetime, except_offer_id: int | None = None
) -> Counter:
    """Places of these levels held now: registrations in orders that hold places, upgrades into
    them not yet applied (in orders that hold places), and waiting-list offers not yet used or
    expired — but ``except_offer_id``'s, which is being redeemed.

    One statement of plain SQL rather than three ORM queries: it runs under the levels' row
    locks on every purchase and on every page that shows what is left, and building the ORM
    queries cost several times what PostgreSQL spends answering them.
    """
    levels = sorted(set(level_ids))
    if not levels:
        return Counter()
    sql = _PLACES_TAKEN_SQL.format(
        registration=Registration._meta.db_table,
        order=Order._meta.db_table,
        upgrade=Upgrade._meta.db_table,
        waitlist=WaitlistEntry._meta.db_table,
        holding=_HOLDING_SQL,
    )
    params: dict[str, Any] = {
        "levels": levels,
        "now": now,
        "except_offer": except_offer_id,
        "offered": WaitlistEntry.Status.OFFERED,
        "paid": Order.Status.PAID,
        "held": Order.Status.HELD,
        "pending": Order.Status.PENDING,
    }
    taken: Counter = Counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for level_id, count in cursor.fetchall():
            taken[level_id] += count
    return taken


def places_left(level: BadgeLevel, taken: Counter) -> int | None:
    """Places of ``level`` still free given ``places_taken``'s count (None: no limit)."""
    if level.capacity is None:
        return None
    return max(level.capacity - taken[level.pk], 0)


@dataclass(frozen=True)
class LevelOffer:
    level: BadgeLevel
    price: Decimal
    places_left: int | None  # None: no limit

    @property
    def is_sold_out(self) -> bool:
        return self.places_left == 0


def level_offers(
    *, event: Event, now: dt.datetime, code: DiscountCode | None = None
) -> list[LevelOffer]:
    """Levels on sale now — public ones, and hidden ones ``code`` unlocks — with the price of
    today at the event and the places left."""
    unlocked = list(code.unlocks.values_list("pk", flat=True)) if code else []
    levels = list(
        BadgeLevel.objects.filter(event=event)
        .filter(Q(is_hidden=False) | Q(pk__in=unlocked))
        .filter(Q(sale_starts_at__isnull=True) | Q(sale_starts_at__lte=now))
        .filter(Q(sale_ends_at__isnull=True) | Q(sale_ends_at__gt=now))
        .prefetch_related("price_tiers")
    )
    taken = places_taken(
        level_ids=[level.pk for level in levels if level.capacity is not None], now=now
    )
    day = event_today(event, now)
    return [
        LevelOffer(
            level=level,
            price=level_price_on(level=level, day=day),
            places_left=places_left(level, taken),
        )
        for level in levels
    ]


@dataclass(frozen=True)
class UpgradeOffer:
    level: BadgeLevel
    difference: Decimal
    places_left: int | None


def upgrade_offers(*, registration: Registration, offers: list[LevelOffer]) -> list[UpgradeOffer]:
    """Of today's ``offers`` (see level_offers), the levels that cost more than was paid for
    this badge, with the difference to pay."""
    paid = registration.price - registration.discount
    return [
        UpgradeOffer(level=o.level, difference=o.price - paid, places_left=o.places_left)
        for o in offers
        if o.level.pk != registration.level_id and o.price > paid
    ]
