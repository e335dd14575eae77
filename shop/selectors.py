"""Every read of the shop."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from event.models import Event
from shop.models import OrderLine, Product, Quota, ShopOrder, Variant
from shop.services import quota_taken


@dataclass(frozen=True)
class CatalogueItem:
    variant: Variant
    left: int  # the least left over the quotas covering it


def catalogue(*, event: Event, now: dt.datetime) -> list[tuple[Product, list[CatalogueItem]]]:
    """Products on sale now with their variants and what is left of each: three queries."""
    products = list(
        Product.objects.filter(event=event)
        .filter(Q(visible_from__isnull=True) | Q(visible_from__lte=now))
        .filter(Q(visible_until__isnull=True) | Q(visible_until__gt=now))
        .prefetch_related(
            Prefetch(
                "variants",
                queryset=Variant.objects.prefetch_related("quotas").order_by("position", "pk"),
            )
        )
    )
    quotas = {q.pk: q for p in products for v in p.variants.all() for q in v.quotas.all()}
    taken = quota_taken(list(quotas), now=now) if quotas else {}
    result = []
    for product in products:
        items = []
        for variant in product.variants.all():
            covering = variant.quotas.all()
            left = min((q.size - taken.get(q.pk, 0) for q in covering), default=0)
            items.append(CatalogueItem(variant=variant, left=max(left, 0)))
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
