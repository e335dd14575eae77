"""Bundles (their items taken from their own stock, handed out and refunded with the pack),
items for a badge level, badge holders' prices, and handing out never more than is left after
a refund."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from register.models import BadgeLevel, Order
from register.services import order_place as registration_place
from shop.models import BundleItem, OrderLine, Product, Quota, ShopOrder, Variant
from shop.services import line_hand_out, order_mark_paid, order_place, order_refund
from tests.factories.register import attendee
from tests.factories.tenant import UserFactory


def _buy(shop, items, *, account=None, pay=True) -> ShopOrder:
    order = order_place(
        event=shop.event, account=account or UserFactory(), items=items, provider="simulated"
    )
    if pay:
        order = order_mark_paid(reference=order.reference, amount=order.total)
    return order


def _badge(shop, account, *, level_name: str = "Attendee") -> BadgeLevel:
    level, _ = BadgeLevel.objects.get_or_create(
        event=shop.event, name=level_name, defaults={"price": Decimal("0")}
    )
    order = registration_place(
        event=shop.event, account=account, attendees=[attendee(level)], provider="free"
    )
    assert order.status == Order.Status.PAID
    return level


def _pack(shop, *, packs: int = 5) -> Variant:
    """A sponsor pack: a shirt in M and two pins, 40.00, its own quota of ``packs``."""
    pack = Product.objects.create(event=shop.event, name="Sponsor pack")
    variant = Variant.objects.create(product=pack, name="", price=Decimal("40.00"))
    Quota.objects.create(event=shop.event, name="Packs", size=packs).variants.set([variant])
    BundleItem.objects.create(bundle=pack, variant=shop.m, quantity=1)
    BundleItem.objects.create(bundle=pack, variant=shop.pin, quantity=2)
    return variant


def test_a_bundle_takes_its_items_from_their_own_stock(shop):
    pack = _pack(shop)
    Quota.objects.filter(name="Pins").update(size=5)

    order = _buy(shop, {pack.pk: 2})
    lines = {line.variant_id: line for line in order.lines.all()}
    with pytest.raises(ValidationError, match="only 1 left of Pins"):
        _buy(shop, {pack.pk: 1})  # two more pins wanted, one left
    single = _buy(shop, {shop.pin.pk: 1})

    assert order.total == Decimal("80.00")
    assert (lines[pack.pk].quantity, lines[pack.pk].price) == (2, Decimal("40.00"))
    assert (lines[shop.pin.pk].quantity, lines[shop.pin.pk].price) == (4, Decimal("0"))
    assert lines[shop.m.pk].part_of_id == lines[pack.pk].pk
    assert single.status == "paid"


def test_a_bundle_is_handed_out_item_by_item_and_refunded_by_the_pack(shop):
    pack = _pack(shop)
    order = _buy(shop, {pack.pk: 2})
    bundle = order.lines.get(variant=pack)
    shirts = order.lines.get(variant=shop.m)
    pins = order.lines.get(variant=shop.pin)

    with pytest.raises(ValidationError, match="item by item"):
        line_hand_out(order=order, line_id=bundle.pk)
    line_hand_out(order=order, line_id=shirts.pk)  # the first pack is started
    with pytest.raises(ValidationError, match="refund the bundle"):
        order_refund(order_id=order.pk, line_id=pins.pk)
    refunded = order_refund(order_id=order.pk, line_id=bundle.pk)

    pieces = dict(OrderLine.objects.filter(order=order).values_list("variant_id", "refunded"))
    assert refunded.refunded_total == Decimal("40.00")  # one pack of two: the other started
    assert pieces == {pack.pk: 1, shop.m.pk: 1, shop.pin.pk: 2}
    with pytest.raises(ValidationError, match="Already handed out: 1 of 1"):
        line_hand_out(order=order, line_id=shirts.pk)  # the refunded pack's shirt stays


def test_a_badge_levels_item_is_sold_only_to_holders_of_that_level(shop):
    sponsor_pin = Product.objects.create(event=shop.event, name="Gold pin")
    variant = Variant.objects.create(product=sponsor_pin, name="", price=Decimal("5.00"))
    Quota.objects.create(event=shop.event, name="Gold", size=5).variants.set([variant])
    attendee_holder, sponsor_holder = UserFactory(), UserFactory()
    _badge(shop, attendee_holder)
    sponsor_pin.badge_levels.set([_badge(shop, sponsor_holder, level_name="Sponsor")])

    with pytest.raises(ValidationError, match="for holders of a Sponsor badge"):
        _buy(shop, {variant.pk: 1}, account=attendee_holder)
    with pytest.raises(ValidationError, match="for holders of a Sponsor badge"):
        _buy(shop, {variant.pk: 1})
    bought = _buy(shop, {variant.pk: 1}, account=sponsor_holder)

    assert bought.status == "paid" and ShopOrder.objects.count() == 1


def test_badge_holders_pay_their_price_and_others_the_price(shop):
    Variant.objects.filter(pk=shop.pin.pk).update(badge_holder_price=Decimal("6.00"))
    holder = UserFactory()
    _badge(shop, holder)

    theirs = _buy(shop, {shop.pin.pk: 2}, account=holder, pay=False)
    others = _buy(shop, {shop.pin.pk: 2}, pay=False)

    assert (theirs.total, others.total) == (Decimal("12.00"), Decimal("16.00"))
    assert theirs.lines.get().price == Decimal("6.00")


def test_refunded_pieces_are_never_handed_out(shop):
    order = _buy(shop, {shop.m.pk: 1, shop.pin.pk: 2})
    pins = order.lines.get(variant=shop.pin)
    line_hand_out(order=order, line_id=pins.pk)

    order_refund(order_id=order.pk, line_id=pins.pk)  # the pin not handed out yet

    with pytest.raises(ValidationError, match="Already handed out: 1 of 1"):
        line_hand_out(order=order, line_id=pins.pk)
