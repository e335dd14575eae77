"""The demo conventions' merch (``seed_demo``): a shirt in five sizes sharing one quota per
size and an overall one, with a picture; a pin, cheaper with a badge; a pin for sponsors only;
a sponsor pack bundling a shirt and two pins; and a few paid orders — through the services."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.files import File
from PIL import Image, ImageDraw

from event.models import Event
from midsummer.contract import DemoConvention
from payments.models import Provider
from register.models import BadgeLevel
from shop.models import BundleItem, Product, Quota, Variant
from shop.services import order_mark_paid, order_place, product_save
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
    shirt.picture = File(io.BytesIO(_shirt_png()), name="shirt.png")
    shirt.picture_alt = "A purple convention shirt"
    product_save(product=shirt)
    pin = Product.objects.create(event=event, name="Enamel pin", position=2, per_order_limit=5)
    pin_variant = Variant.objects.create(
        product=pin, name="", price=Decimal("8.00"), badge_holder_price=Decimal("6.00")
    )
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
    sponsor.badge_levels.set(BadgeLevel.objects.filter(event=event, name="Sponsor"))
    pack = Product.objects.create(
        event=event,
        name="Sponsor pack",
        description="A shirt in M and two enamel pins, for less.",
        position=4,
        per_order_limit=2,
    )
    pack_variant = Variant.objects.create(product=pack, name="", price=Decimal("36.00"))
    Quota.objects.create(event=event, name="Sponsor packs", size=20).variants.set([pack_variant])
    BundleItem.objects.create(bundle=pack, variant=sizes[1], quantity=1)
    BundleItem.objects.create(bundle=pack, variant=pin_variant, quantity=2)
    for n in range(4):
        email = f"shopper{n}@{demo.key}.localhost"
        person = User.objects.filter(email=email).first() or user_create(
            email=email, password=None, full_name=f"Shopper {n + 1}"
        )
        order = order_place(
            event=event,
            account=person,
            items={sizes[n % len(sizes)].pk: 1, pin_variant.pk: 1 + n % 2}
            if n < 3
            else {pack_variant.pk: 1},
            provider=Provider.SIMULATED,
        )
        order_mark_paid(reference=order.reference, amount=order.total)


def _shirt_png() -> bytes:
    """A shirt's outline on a light background, drawn (nothing downloaded)."""
    image = Image.new("RGB", (600, 600), (244, 240, 250))
    draw = ImageDraw.Draw(image)
    body = [
        (180, 140),
        (250, 110),
        (300, 140),
        (350, 110),
        (420, 140),
        (500, 220),
        (450, 270),
        (420, 240),
        (420, 500),
        (180, 500),
        (180, 240),
        (150, 270),
        (100, 220),
    ]
    draw.polygon(body, fill=(91, 33, 182), outline=(40, 10, 90))
    draw.ellipse((270, 250, 330, 310), fill=(250, 204, 21))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
