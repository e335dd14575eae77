"""Real threads, each with its own connection: 40 buyers for 10 shirts across overlapping
quotas buy exactly 10; two desks handing out the last piece hand it out once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django_tenants.utils import schema_context, tenant_context

from event.models import Event
from shop.models import BundleItem, OrderLine, Product, Quota, ShopOrder, Variant
from shop.services import line_hand_out, order_mark_paid, order_place
from tenant.models import Tenant, User
from tests.concurrency import run_at_once
from tests.shop.conftest import make_shop

BUYERS = 40


@pytest.fixture
def committed_shop(committed, settings):
    settings.DEBUG = True
    alpha = Tenant.objects.get(schema_name="alpha")
    with tenant_context(alpha):
        shop = make_shop(shirts=10, per_size=6)
        Event.objects.filter(pk=shop.event.pk).update(is_active=False)
    accounts = [User.objects.create_user(email=f"racer{n}@shop.example") for n in range(BUYERS)]
    try:
        yield alpha, shop, accounts
    finally:
        with tenant_context(alpha):
            ShopOrder.objects.filter(event=shop.event).delete()
            shop.event.shop_products.all().delete()
            shop.event.shop_quotas.all().delete()
            Event.objects.filter(pk=shop.event.pk).delete()
        with schema_context("public"):
            User.objects.filter(pk__in=[a.pk for a in accounts]).delete()


def test_forty_buyers_for_ten_shirts_across_overlapping_quotas_buy_exactly_ten(committed_shop):
    alpha, shop, accounts = committed_shop

    def buy(pair):
        n, account = pair
        with tenant_context(alpha):
            size = shop.m if n % 2 else shop.l
            return order_place(
                event=shop.event, account=account, items={size.pk: 1}, provider="simulated"
            )

    results = run_at_once(buy, list(enumerate(accounts)))

    orders = [r for r in results if isinstance(r, ShopOrder)]
    refusals = [r for r in results if isinstance(r, ValidationError)]
    assert len(orders) == 10 and len(refusals) == BUYERS - 10
    assert all("Sold out" in " ".join(r.messages) for r in refusals)
    with tenant_context(alpha):
        per_size = dict(
            OrderLine.objects.filter(order__event=shop.event)
            .values_list("variant__name")
            .annotate(n=Sum("quantity"))
        )
    assert sum(per_size.values()) == 10 and max(per_size.values()) <= 6


def test_two_desks_handing_out_the_last_piece_hand_it_out_once(committed_shop):
    alpha, shop, accounts = committed_shop
    with tenant_context(alpha):
        order = order_place(
            event=shop.event, account=accounts[0], items={shop.m.pk: 1}, provider="simulated"
        )
        order = order_mark_paid(reference=order.reference, amount=order.total)
        line = order.lines.get()

    def hand_out(_desk):
        with tenant_context(alpha):
            return line_hand_out(order=order, line_id=line.pk)

    results = run_at_once(hand_out, range(2))

    assert sum(isinstance(r, OrderLine) for r in results) == 1
    assert sum(isinstance(r, ValidationError) for r in results) == 1
    with tenant_context(alpha):
        assert OrderLine.objects.get(pk=line.pk).picked_up == 1


def test_bundles_and_single_pins_racing_for_ten_pins_take_exactly_ten(committed_shop):
    alpha, shop, accounts = committed_shop
    with tenant_context(alpha):
        Quota.objects.filter(event=shop.event, name="Pins").update(size=10)
        pack = Product.objects.create(event=shop.event, name="Pin pack")
        pack_variant = Variant.objects.create(product=pack, name="", price=Decimal("12.00"))
        Quota.objects.create(event=shop.event, name="Packs", size=100).variants.set([pack_variant])
        BundleItem.objects.create(bundle=pack, variant=shop.pin, quantity=1)

    def buy(pair):
        n, account = pair
        with tenant_context(alpha):
            wanted = pack_variant if n % 2 else shop.pin
            return order_place(
                event=shop.event, account=account, items={wanted.pk: 1}, provider="simulated"
            )

    results = run_at_once(buy, list(enumerate(accounts)))

    assert sum(isinstance(r, ShopOrder) for r in results) == 10
    assert all(
        "Sold out" in " ".join(r.messages) for r in results if isinstance(r, ValidationError)
    )
    with tenant_context(alpha):
        pins = OrderLine.objects.filter(order__event=shop.event, variant=shop.pin).aggregate(
            n=Sum("quantity")
        )["n"]
    assert pins == 10
