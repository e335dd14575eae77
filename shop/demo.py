"""The demo conventions' merch (``seed_demo``): a shirt in five sizes sharing one quota per
size and an overall one, a pin, a sponsor-only pin, and a few paid orders — through the
services."""

from __future__ import annotations

from decimal import Decimal

from event.models import Event
from midsummer.contract import DemoConvention
from payments.models import Provider
from shop.models import Product, Quota, Variant
from shop.services import order_mark_paid, order_place
from tenant.models import User
from tenant.services import user_create

SIZES = ["S", "M", "L", "XL", "2XL"]


def seed(demo: DemoConvention) -> None:
    """Idempotent: a convention whose event has products keeps them."""
    event = Event.objects.filter(is_active=True).first()
    if event is None or Product.objects.filter(event=event).exists():
        return
    shirt = Product.objects.create(
        event=event,
        name="Convention shirt",
        description="Soft cotton, this year's art.",
        position=1,
    )
    sizes = [
        Variant.objects.create(product=shirt, name=size, price=Decimal("25.00"), position=n)
        for n, size in enumerate(SIZES)
    ]
    all_shirts = Quota.objects.create(event=event, name="All shirts", size=120)
    all_shirts.variants.set(sizes)
    for variant in sizes:
        Quota.objects.create(event=event, name=f"Shirts {variant.name}", size=30).variants.set(
            [variant]
        )
    pin = Product.objects.create(event=event, name="Enamel pin", position=2, per_order_limit=5)
    pin_variant = Variant.objects.create(product=pin, name="", price=Decimal("8.00"))
    Quota.objects.create(event=event, name="Pins", size=200).variants.set([pin_variant])
    sponsor = Product.objects.create(
        event=event,
        name="Sponsor pin",
        position=3,
        badge_holders_only=True,
        per_person_limit=1,
    )
    sponsor_variant = Variant.objects.create(product=sponsor, name="", price=Decimal("0.00"))
    Quota.objects.create(event=event, name="Sponsor pins", size=50).variants.set([sponsor_variant])
    for n in range(4):
        email = f"shopper{n}@{demo.key}.localhost"
        person = User.objects.filter(email=email).first() or user_create(
            email=email, password=None, full_name=f"Shopper {n + 1}"
        )
        order = order_place(
            event=event,
            account=person,
            items={sizes[n % len(sizes)].pk: 1, pin_variant.pk: 1 + n % 2},
            provider=Provider.SIMULATED,
        )
        order_mark_paid(reference=order.reference, amount=order.total)
