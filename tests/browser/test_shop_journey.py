"""The shop's main journey in a real browser against a real gunicorn: a buyer orders a shirt,
pays by card and gets a pickup code; the merch desk, on a phone, finds the order by that code
and hands the shirt out — once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from event.models import Event
from event.services import event_create, event_delete
from shop.models import Product, Quota, ShopOrder, Variant
from shop.services import order_mark_paid, order_place
from tenant.models import Membership, Tenant, User
from tenant.roles import Role
from tests.browser.axe import assert_axe_clean
from tests.browser.camera import camera_args, camera_feed
from tests.browser.conftest import CHROMIUM_ARGS
from tests.browser.pages import log_in
from tests.factories.tenant import PASSWORD

pytestmark = pytest.mark.server

START = timezone.localdate() + dt.timedelta(days=120)


@pytest.fixture
def shop(committed):
    alpha = Tenant.objects.get(schema_name="alpha")
    with schema_context("public"):
        buyer = User.objects.create_user("shop-buyer@example.org", PASSWORD, full_name="Robin")
        desk = User.objects.create_user("shop-desk@example.org", PASSWORD, full_name="Desk")
        Membership.objects.create(user=desk, tenant=alpha, roles=[Role.SHOP_DESK])
    with tenant_context(alpha):
        event = event_create(
            name="Alpha Con",
            slug="alpha-con-shop",
            start_date=START,
            end_date=START + dt.timedelta(days=2),
            timezone="America/New_York",
            is_active=True,
        )
        shirt = Product.objects.create(event=event, name="Convention shirt")
        size = Variant.objects.create(product=shirt, name="M", price=Decimal("25.00"))
        Quota.objects.create(event=event, name="Shirts M", size=5).variants.set([size])
    try:
        yield size.pk
    finally:
        with tenant_context(alpha):
            ShopOrder.objects.filter(event=event).delete()
            Quota.objects.filter(event=event).delete()
            Product.objects.filter(event=event).delete()
            event_delete(event=event)
        with schema_context("public"):
            Membership.objects.filter(user=desk).delete()
            User.objects.filter(pk__in=[buyer.pk, desk.pk]).delete()


def test_a_buyer_orders_pays_and_the_desk_hands_the_shirt_out_once(
    chromium_available, axe_path, shop, gunicorn, browser, artifacts
):
    variant_id = shop
    port, _log = gunicorn
    base = f"http://alpha.localhost:{port}"
    shots = []

    def shot(page, name):
        path = artifacts / f"shop-{len(shots) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        shots.append(path)

    buyer = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    buyer.set_default_timeout(15_000)
    log_in(buyer, base, "shop-buyer@example.org")
    buyer.goto(f"{base}/shop/")
    assert "5 left" in buyer.locator("main").inner_text()
    buyer.fill(f"#qty-{variant_id}", "1")
    buyer.get_by_label("Card (simulated — no real money)").check()
    shot(buyer, "catalogue")
    assert_axe_clean(buyer, axe_path, "shop catalogue")
    buyer.get_by_role("button", name="Order").click()
    buyer.wait_for_url("**/payments/pay/shop/**")
    buyer.fill("#id_card_number", "4242 4242 4242 4242")
    buyer.locator("main form button[type=submit]").click()
    buyer.wait_for_url("**/shop/orders/**")
    reference = buyer.url.rstrip("/").rsplit("/", 1)[-1]
    assert "Paid" in buyer.locator(".shop-status").inner_text()
    assert buyer.locator(".shop-qr svg").count() == 1
    shot(buyer, "order")
    assert_axe_clean(buyer, axe_path, "shop order")

    desk = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    desk.set_default_timeout(15_000)
    log_in(desk, base, "shop-desk@example.org")
    desk.goto(f"{base}/shop/desk/")
    desk.fill("#id_code", reference)
    desk.get_by_role("button", name="Find").click()
    desk.get_by_role("button", name="Hand out one").click()
    desk.wait_for_selector("text=Handed out: Convention shirt — M (1 of 1).")
    shot(desk, "desk-phone")
    assert_axe_clean(desk, axe_path, "merch desk")
    assert desk.get_by_role("button", name="Hand out one").count() == 0
    assert desk.evaluate("document.documentElement.scrollWidth") <= 390

    print("\nscreenshots:\n" + "\n".join(str(p) for p in shots))  # noqa: T201
    assert all(p.stat().st_size > 5_000 for p in shots)


def test_the_merch_desk_finds_an_order_from_the_camera(
    chromium_available, shop, gunicorn, monkeypatch, tmp_path, artifacts
):
    """Chromium's fake camera shows the order's pickup QR code; the desk's scanner (the one the
    door's desk uses) decodes it and looks the order up by itself."""
    from playwright.sync_api import sync_playwright

    alpha = Tenant.objects.get(schema_name="alpha")
    with tenant_context(alpha):
        buyer = User.objects.get(email="shop-buyer@example.org")
        order = order_place(
            event=Event.objects.get(slug="alpha-con-shop"),
            account=buyer,
            items={shop: 1},
            provider="simulated",
        )
        order = order_mark_paid(reference=order.reference, amount=order.total)
    feed = camera_feed(order.pickup_token, tmp_path / "pickup.y4m")
    port, _log = gunicorn
    base = f"http://alpha.localhost:{port}"
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(chromium_available),
            args=CHROMIUM_ARGS + camera_args(feed),
            headless=True,
        )
        try:
            context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
            context.grant_permissions(["camera"], origin=base)
            desk = context.new_page()
            desk.set_default_timeout(20_000)
            log_in(desk, base, "shop-desk@example.org")
            desk.goto(f"{base}/shop/desk/")
            desk.locator("[data-camera-start]").click()
            desk.wait_for_selector(f"[data-order={order.reference}]")
            found = desk.locator(f"[data-order={order.reference}]").inner_text()
            desk.screenshot(path=str(artifacts / "shop-04-desk-camera.png"), full_page=True)
        finally:
            chromium.close()

    assert "Convention shirt — M" in found and "0 of 1 handed out" in found
