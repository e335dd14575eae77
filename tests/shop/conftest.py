"""Shop fixtures: an active event of alpha with shirts (a quota per size and one over all
sizes), a pin and a sponsor-only pin."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django_tenants.utils import tenant_context

from event.models import Event
from shop.models import Product, Quota, Variant

_names = itertools.count(1)


def make_shop(*, shirts: int = 10, per_size: int = 8) -> SimpleNamespace:
    n = next(_names)
    event = Event.objects.create(
        name="Shop Con",
        slug=f"shop-con-{n}",
        start_date=dt.date(2031, 7, 1),
        end_date=dt.date(2031, 7, 3),
        is_active=True,
    )
    shirt = Product.objects.create(event=event, name="Shirt", per_order_limit=3)
    sizes = [
        Variant.objects.create(product=shirt, name=size, price=Decimal("25.00"))
        for size in ("M", "L")
    ]
    every_shirt = Quota.objects.create(event=event, name="All shirts", size=shirts)
    every_shirt.variants.set(sizes)
    for variant in sizes:
        Quota.objects.create(
            event=event, name=f"Shirts {variant.name}", size=per_size
        ).variants.set([variant])
    pin = Product.objects.create(event=event, name="Pin", per_person_limit=2)
    pin_variant = Variant.objects.create(product=pin, name="", price=Decimal("8.00"))
    Quota.objects.create(event=event, name="Pins", size=100).variants.set([pin_variant])
    sponsor = Product.objects.create(event=event, name="Sponsor pin", badge_holders_only=True)
    sponsor_variant = Variant.objects.create(product=sponsor, name="", price=Decimal("5.00"))
    Quota.objects.create(event=event, name="Sponsor", size=10).variants.set([sponsor_variant])
    return SimpleNamespace(
        event=event, m=sizes[0], l=sizes[1], pin=pin_variant, sponsor=sponsor_variant
    )


@pytest.fixture
def shop(tenant_a, settings):
    settings.DEBUG = True  # the simulated card exists only with DEBUG on
    with tenant_context(tenant_a):
        yield make_shop()
