"""The shop lead's admin: a product's picture (checked, re-encoded, per convention), refunds
line by line, every line as CSV, sales per product and day."""

from __future__ import annotations

import csv
import io
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image

from shop.models import Product, ShopOrder, Variant
from shop.services import order_mark_paid, order_place, order_refund
from tenant.roles import Role
from tests.clients import PersonClient
from tests.conftest import TENANT_HOSTS
from tests.factories.front import image_upload
from tests.factories.tenant import PASSWORD, MembershipFactory, UserFactory


def _lead(tenant, name: str = "alpha") -> Client:
    client = PersonClient(HTTP_HOST=TENANT_HOSTS[name])
    user = MembershipFactory(tenant=tenant, roles=[Role.SHOP_LEAD]).user
    client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    return client


def _paid(shop, items) -> ShopOrder:
    order = order_place(event=shop.event, account=UserFactory(), items=items, provider="simulated")
    return order_mark_paid(reference=order.reference, amount=order.total)


@pytest.fixture
def media():
    yield
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "alpha" / "shop", ignore_errors=True)


def _product_form(shop, **extra) -> dict:
    product = Product.objects.get(event=shop.event, name="Pin")
    form = {
        "event": shop.event.pk,
        "name": product.name,
        "description": "",
        "position": 0,
        "per_order_limit": 10,
        "per_person_limit": 2,
        "picture_alt": "A round enamel pin",
        "variants-TOTAL_FORMS": 1,
        "variants-INITIAL_FORMS": 1,
        "variants-0-id": shop.pin.pk,
        "variants-0-product": product.pk,
        "variants-0-name": "One size",
        "variants-0-price": "8.00",
        "variants-0-position": 0,
        "bundle_items-TOTAL_FORMS": 0,
        "bundle_items-INITIAL_FORMS": 0,
    }
    return form | extra


def test_a_picture_is_re_encoded_shown_in_the_shop_and_only_on_this_conventions_host(
    shop, tenant_a, media
):
    lead = _lead(tenant_a)
    product = Product.objects.get(event=shop.event, name="Pin")

    saved = lead.post(
        f"/admin/shop/product/{product.pk}/change/",
        _product_form(shop, picture=image_upload("pin.png", (1600, 1200))),
    )
    product.refresh_from_db()
    catalogue = PersonClient(HTTP_HOST=TENANT_HOSTS["alpha"]).get("/shop/").content.decode()
    stored = Image.open(Path(settings.MEDIA_ROOT) / "alpha" / product.picture.name)

    assert saved.status_code == 302
    assert (stored.format, stored.size) == ("WEBP", (800, 600))
    assert (product.picture_width, product.picture_height) == (800, 600)
    assert product.picture.url in catalogue and 'alt="A round enamel pin"' in catalogue
    assert PersonClient(HTTP_HOST=TENANT_HOSTS["alpha"]).get(product.picture.url).status_code == 200
    assert PersonClient(HTTP_HOST=TENANT_HOSTS["beta"]).get(product.picture.url).status_code == 404


def test_a_bad_picture_is_refused_in_the_form_and_nothing_is_stored(shop, tenant_a, media):
    lead = _lead(tenant_a)
    product = Product.objects.get(event=shop.event, name="Pin")

    tiny = lead.post(
        f"/admin/shop/product/{product.pk}/change/",
        _product_form(shop, picture=image_upload("pin.png", (100, 100))),
    )
    text = lead.post(
        f"/admin/shop/product/{product.pk}/change/",
        _product_form(shop, picture=image_upload("pin.txt", (400, 400))),
    )

    product.refresh_from_db()
    assert tiny.status_code == 200 and "it needs at least 300 × 300" in tiny.content.decode()
    assert text.status_code == 200 and "not allowed" in text.content.decode()
    assert not product.picture
    assert not (Path(settings.MEDIA_ROOT) / "alpha" / "shop").exists()


def test_the_lead_refunds_one_line_then_the_rest_and_bad_input_is_a_400(shop, tenant_a):
    order = _paid(shop, {shop.m.pk: 1, shop.pin.pk: 2})
    pins = order.lines.get(variant=shop.pin)
    lead = _lead(tenant_a)
    url = f"/admin/shop/shoporder/{order.pk}/refund/"

    page = lead.get(url)
    one = lead.post(url, {"line": pins.pk})
    again = lead.post(url, {"line": pins.pk})
    nonsense = lead.post(url, {"line": "x"})
    rest = lead.post(url, {"line": "all"})

    order.refresh_from_db()
    assert page.status_code == 200 and f'data-line="{pins.pk}"' in page.content.decode()
    assert one.status_code == 302
    assert again.status_code == 400 and "Nothing left to refund" in again.content.decode()
    assert nonsense.status_code == 400
    assert rest.status_code == 302
    assert (order.status, order.refunded_total) == ("refunded", Decimal("41.00"))


def test_every_line_as_csv_and_the_sales_chart_show_this_conventions_sales_only(
    shop, tenant_a, tenant_b
):
    _paid(shop, {shop.m.pk: 2})
    _paid(shop, {shop.pin.pk: 1})
    lead = _lead(tenant_a)

    rows = list(
        csv.reader(io.StringIO(lead.get("/admin/shop/shoporder/lines.csv").content.decode()))
    )
    sales = lead.get("/admin/shop/shoporder/sales/").content.decode()
    on_beta = _lead(tenant_b, "beta").get("/admin/shop/shoporder/lines.csv").content.decode()

    assert rows[0][:4] == ["order", "status", "paid at", "product"]
    assert sorted((r[3], r[6]) for r in rows[1:]) == [("Pin", "1"), ("Shirt", "2")]
    assert "<svg" in sales and "Shirt: 2" in sales and "Pin: 1" in sales
    assert "Shirt" not in on_beta


def test_the_merch_desk_sees_orders_but_never_refunds_nor_reads_the_sales(shop, tenant_a):
    desk = PersonClient(HTTP_HOST=TENANT_HOSTS["alpha"])
    user = MembershipFactory(tenant=tenant_a, roles=[Role.SHOP_DESK]).user
    desk.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    order = _paid(shop, {shop.pin.pk: 1})

    listing = desk.get("/admin/shop/shoporder/")
    by_action = desk.post(
        "/admin/shop/shoporder/",
        {"action": "refund_in_full", "_selected_action": [order.pk], "index": 0},
    )
    by_page = desk.post(f"/admin/shop/shoporder/{order.pk}/refund/", {"line": "all"})
    sales = desk.get("/admin/shop/shoporder/sales/")
    export = desk.get("/admin/shop/shoporder/lines.csv")

    order.refresh_from_db()
    assert listing.status_code == 200 and "refund_in_full" not in listing.content.decode()
    assert by_action.status_code in (200, 302) and by_page.status_code == 403
    assert sales.status_code == export.status_code == 403
    assert (order.status, order.refunded_total) == ("paid", 0)


def test_a_free_order_is_refunded_only_once_every_piece_is(shop):
    Variant.objects.filter(pk__in=[shop.pin.pk, shop.m.pk]).update(price=0)
    order = _paid(shop, {shop.pin.pk: 1, shop.m.pk: 1})

    after_one = order_refund(order_id=order.pk, line_id=order.lines.get(variant=shop.pin).pk)

    after_all = order_refund(order_id=order.pk)

    assert order.total == 0
    assert after_one.status == "paid"  # the shirt is still to come
    assert after_all.status == "refunded"
