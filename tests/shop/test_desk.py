"""The merch desk: find a paid order by its pickup code or reference, hand out line by line,
never twice; another convention's code and unpaid orders are refused."""

from __future__ import annotations

from django.test import Client
from django_tenants.utils import tenant_context

from shop.models import OrderLine
from shop.services import order_mark_paid, order_place
from tenant.roles import Role
from tests.clients import PersonClient
from tests.conftest import TENANT_HOSTS
from tests.factories.tenant import PASSWORD, MembershipFactory, UserFactory
from tests.shop.conftest import make_shop


def _desk(tenant, tenant_name="alpha", roles=(Role.SHOP_DESK,)) -> Client:
    member = MembershipFactory(tenant=tenant, roles=list(roles)).user
    client = PersonClient(HTTP_HOST=TENANT_HOSTS[tenant_name])
    client.post("/accounts/login/", {"username": member.email, "password": PASSWORD})
    return client


def _paid(shop, items):
    order = order_place(event=shop.event, account=UserFactory(), items=items, provider="simulated")
    return order_mark_paid(reference=order.reference, amount=order.total)


def test_the_desk_hands_out_line_by_line_and_never_more_than_bought(shop, tenant_a):
    order = _paid(shop, {shop.m.pk: 2, shop.pin.pk: 1})
    shirt, pin = order.lines.order_by("pk")
    desk = _desk(tenant_a)

    scanned = desk.post("/shop/desk/", {"code": order.pickup_token})
    found = desk.get(scanned.url)
    first = desk.post("/shop/desk/", {"code": order.reference, "line": shirt.pk}, follow=True)
    desk.post("/shop/desk/", {"code": order.reference, "line": shirt.pk})
    third = desk.post("/shop/desk/", {"code": order.reference, "line": shirt.pk})
    desk.post("/shop/desk/", {"code": order.reference, "line": pin.pk})

    assert scanned.url == f"/shop/desk/?code={order.reference}"  # the secret stays out of it
    assert f'data-order="{order.reference}"' in found.content.decode()
    assert "Handed out: Shirt — M (1 of 2)." in first.content.decode()
    assert third.status_code == 409 and "Already handed out: 2 of 2." in third.content.decode()
    assert list(OrderLine.objects.order_by("pk").values_list("picked_up", flat=True)) == [2, 1]


def test_unpaid_orders_other_conventions_codes_and_strangers_are_refused(shop, tenant_a, tenant_b):
    unpaid = order_place(
        event=shop.event, account=UserFactory(), items={shop.m.pk: 1}, provider="simulated"
    )
    paid = _paid(shop, {shop.l.pk: 1})
    with tenant_context(tenant_b):
        beta_shop = make_shop()
        beta_order = _paid(beta_shop, {beta_shop.m.pk: 1})
    desk = _desk(tenant_a)

    not_paid = desk.post("/shop/desk/", {"code": unpaid.reference, "line": unpaid.lines.get().pk})
    beta_code = desk.post("/shop/desk/", {"code": beta_order.pickup_token})
    alpha_code_at_beta = _desk(tenant_b, "beta").get("/shop/desk/", {"code": paid.pickup_token})
    stranger = PersonClient(HTTP_HOST=TENANT_HOSTS["alpha"]).get("/shop/desk/")
    attendee = _desk(tenant_a, roles=())

    assert not_paid.status_code == 409 and "is not paid" in not_paid.content.decode()
    assert beta_code.status_code == 404
    assert alpha_code_at_beta.status_code == 404
    assert stranger.status_code == 302
    assert attendee.get("/shop/desk/").status_code == 403
    assert OrderLine.objects.filter(picked_up__gt=0).count() == 0
