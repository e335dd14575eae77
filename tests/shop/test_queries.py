"""The catalogue and the desk cost a bounded number of queries whatever the number of products
and lines. (The demo's merch is checked in tests/test_demo.py.)"""

from __future__ import annotations

from decimal import Decimal

import pytest

from shop.models import Product, Quota, Variant
from shop.services import order_mark_paid, order_place
from tenant.roles import Role
from tests.clients import PersonClient
from tests.conftest import TENANT_HOSTS
from tests.factories.tenant import PASSWORD, MembershipFactory, UserFactory


def _products(shop, count: int) -> list[Variant]:
    variants = []
    for n in range(count):
        product = Product.objects.create(event=shop.event, name=f"Extra {n}")
        variant = Variant.objects.create(product=product, name="", price=Decimal("3.00"))
        Quota.objects.create(event=shop.event, name=f"Extra {n}", size=5).variants.set([variant])
        variants.append(variant)
    return variants


@pytest.mark.parametrize("extra", [0, 3, 30])
def test_the_catalogue_and_the_desk_cost_the_same_queries(
    shop, tenant_a, django_assert_num_queries, warm_routes, extra
):
    variants = _products(shop, extra)
    items = {shop.m.pk: 1, **{v.pk: 1 for v in variants}}
    order = order_place(event=shop.event, account=UserFactory(), items=items, provider="simulated")
    order_mark_paid(reference=order.reference, amount=order.total)
    visitor = PersonClient(HTTP_HOST=TENANT_HOSTS["alpha"])
    desk = PersonClient(HTTP_HOST=TENANT_HOSTS["alpha"])
    member = MembershipFactory(tenant=tenant_a, roles=[Role.SHOP_DESK]).user
    desk.post("/accounts/login/", {"username": member.email, "password": PASSWORD})
    warm_routes(visitor)
    warm_routes(desk)

    # The event its address names with its currency, the products, their variants and the
    # variants' quotas, the badge levels they are for, their bundle items, what the quotas hold
    # (one aggregate), the front's branding and pages: 9.
    with django_assert_num_queries(9):
        catalogue = visitor.get(f"/{shop.event.slug}/shop/")
    # The session and its account, their membership, the event, the order by its code with
    # its lines, their variants and products, the front's branding and pages: 10.
    with django_assert_num_queries(10):
        found = desk.get(f"/{shop.event.slug}/shop/desk/", {"code": order.reference})

    assert catalogue.content.decode().count("data-product=") == 3 + extra
    assert found.content.decode().count("data-line=") == 1 + extra
