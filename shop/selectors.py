"""Every read of the shop."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Min, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from event.models import Event
from shop.models import BundleItem, OrderLine, Product, Quota, ShopOrder, Variant
from shop.services import quota_taken


@dataclass(frozen=True)
class CatalogueItem:
    variant: Variant
    left: int  # the least left over the quotas covering it


def catalogue(*, event: Event, now: dt.datetime) -> list[tuple[Product, list[CatalogueItem]]]:
    """Products on sale now with their variants, the badge levels they are for, a bundle's
    items, and what is left of each (a bundle: the least its own quotas and its items' quotas
    leave): six queries."""
    products = list(
        Product.objects.filter(event=event)
        .filter(Q(visible_from__isnull=True) | Q(visible_from__lte=now))
        .filter(Q(visible_until__isnull=True) | Q(visible_until__gt=now))
        .prefetch_related(
            Prefetch(
                "variants",
                queryset=Variant.objects.prefetch_related("quotas").order_by("position", "pk"),
            ),
            "badge_levels",
            Prefetch(
                "bundle_items",
                queryset=BundleItem.objects.select_related("variant__product").prefetch_related(
                    "variant__quotas"
                ),
            ),
        )
    )
    quotas = {q.pk: q for p in products for v in p.variants.all() for q in v.quotas.all()}
    quotas |= {
        q.pk: q for p in products for b in p.bundle_items.all() for q in b.variant.quotas.all()
    }
    taken = quota_taken(list(quotas), now=now) if quotas else {}

    def left_of(variant: Variant, per_piece: int = 1) -> int:
        return min(
            ((q.size - taken.get(q.pk, 0)) // per_piece for q in variant.quotas.all()), default=0
        )

    result = []
    for product in products:
        parts = [left_of(b.variant, b.quantity) for b in product.bundle_items.all()]
        items = [
            CatalogueItem(variant=variant, left=max(min([left_of(variant), *parts]), 0))
            for variant in product.variants.all()
        ]
        result.append((product, items))
    return result


def order_of_account(*, reference: str, account_id: int) -> ShopOrder | None:
    return (
        ShopOrder.objects.filter(reference=reference, account_id=account_id)
        .prefetch_related("lines__variant__product")
        .first()
    )


def orders_of_account(*, event: Event, account_id: int) -> QuerySet[ShopOrder]:
    return ShopOrder.objects.filter(event=event, account_id=account_id)


def order_for_desk(*, event: Event, code: str) -> ShopOrder | None:
    """A paid order of the event by its pickup code (the QR) or its reference."""
    code = code.strip()
    if not code:
        return None
    return (
        ShopOrder.objects.filter(event=event)
        .filter(Q(pickup_token=code) | Q(reference__iexact=code))
        .prefetch_related("lines__variant__product")
        .first()
    )


def stock_levels(*, event: Event, now: dt.datetime) -> list[tuple[Quota, int]]:
    quotas = list(Quota.objects.filter(event=event))
    taken = quota_taken([q.pk for q in quotas], now=now) if quotas else {}
    return [(q, max(q.size - taken.get(q.pk, 0), 0)) for q in quotas]


def lines_of(order: ShopOrder) -> list[OrderLine]:
    return list(order.lines.all())


@dataclass(frozen=True)
class DeskLine:
    line: OrderLine
    is_bundle: bool  # handed out item by item: its parts are lines of their own
    to_hand_out: int  # bought less refunded


def desk_lines(order: ShopOrder) -> list[DeskLine]:
    lines = list(order.lines.all())
    bundles = {line.part_of_id for line in lines if line.part_of_id}
    return [DeskLine(line, line.pk in bundles, line.quantity - line.refunded) for line in lines]


def sales_by_day(*, event: Event) -> list[tuple[dt.date, str, int, Decimal]]:
    """Pieces sold and money taken per product and day (paid orders, less what was refunded;
    a bundle's items are counted in the bundle), in the event's time zone."""
    rows = (
        OrderLine.objects.filter(
            order__event=event,
            order__status__in=[ShopOrder.Status.PAID, ShopOrder.Status.REFUNDED],
            part_of__isnull=True,
        )
        .annotate(day=TruncDate("order__paid_at", tzinfo=zoneinfo.ZoneInfo(event.timezone)))
        .values("day", "variant__product__name")
        .annotate(
            pieces=Sum(F("quantity") - F("refunded")),
            revenue=Sum((F("quantity") - F("refunded")) * F("price")),
        )
        .order_by("day", "variant__product__name")
    )
    return [
        (row["day"], row["variant__product__name"], row["pieces"], row["revenue"])
        for row in rows
        if row["pieces"]
    ]


def lines_for_export(*, event: Event) -> QuerySet[OrderLine]:
    return (
        OrderLine.objects.filter(order__event=event)
        .select_related("order", "variant__product", "part_of")
        .order_by("order__created_at", "pk")
    )


def next_hold_expiry() -> dt.datetime | None:
    """When the first pending card order's hold runs out (``shop.release_expired_holds``)."""
    return ShopOrder.objects.filter(
        status=ShopOrder.Status.PENDING, hold_expires_at__isnull=False
    ).aggregate(at=Min("hold_expires_at"))["at"]
