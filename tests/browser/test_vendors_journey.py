"""The dealers' den's main journey in a real browser against a real gunicorn: a dealer applies
and adds a photo of their work, a juror-lead scores and approves, the dealer pays the invoice
with the card, the lead lays out the hall and places them on a phone, and the public Dealers'
Den lists them on its map."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from event.services import event_create, event_delete
from tenant.models import Membership, Tenant, User
from tenant.roles import Role
from tests.browser.axe import assert_axe_clean
from tests.browser.pages import log_in
from tests.factories.front import image_upload
from tests.factories.tenant import PASSWORD
from vendors.models import Application, HallTable, Photo, TableType, VendorSettings

pytestmark = pytest.mark.server

START = timezone.localdate() + dt.timedelta(days=90)


@pytest.fixture
def den(committed):
    alpha = Tenant.objects.get(schema_name="alpha")
    with schema_context("public"):
        dealer = User.objects.create_user("den-dealer@example.org", PASSWORD, full_name="Robin Fox")
        lead = User.objects.create_user("den-lead@example.org", PASSWORD, full_name="Lead")
        Membership.objects.create(user=lead, tenant=alpha, roles=[Role.VENDOR_LEAD])
    with tenant_context(alpha):
        event = event_create(
            name="Alpha Con",
            slug="alpha-con-den",
            start_date=START,
            end_date=START + dt.timedelta(days=2),
            timezone="America/New_York",
            is_active=True,
        )
        now = timezone.now()
        VendorSettings.objects.create(
            event=event,
            hall_tables=10,
            opens_at=now - dt.timedelta(days=1),
            closes_at=now + dt.timedelta(days=30),
        )
        TableType.objects.create(event=event, name="Half table", price=Decimal("60.00"))
    try:
        yield alpha
    finally:
        with tenant_context(alpha):
            HallTable.objects.filter(event=event).delete()
            for photo in Photo.objects.filter(application__event=event):
                photo.image.delete(save=False)
            Application.objects.filter(event=event).delete()
            TableType.objects.filter(event=event).delete()
            VendorSettings.objects.filter(event=event).delete()
            event_delete(event=event)
        with schema_context("public"):
            Membership.objects.filter(user=lead).delete()
            User.objects.filter(pk__in=[dealer.pk, lead.pk]).delete()


def test_a_dealer_applies_is_approved_pays_and_is_listed_in_the_den(
    chromium_available, axe_path, den, gunicorn, browser, artifacts
):
    port, _log = gunicorn
    base = f"http://alpha.localhost:{port}"
    shots = []

    def shot(page, name):
        path = artifacts / f"vendors-{len(shots) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        shots.append(path)

    dealer = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    dealer.set_default_timeout(15_000)
    log_in(dealer, base, "den-dealer@example.org")
    dealer.goto(f"{base}/dealers/apply/")
    dealer.fill("#id_business_name", "Foxy Prints")
    dealer.fill("#id_website", "https://foxy.example")
    dealer.fill("#id_wares", "Art prints and stickers")
    dealer.fill("#id_categories", "prints")
    dealer.select_option("#id_table_type", label="Half table")
    shot(dealer, "apply")
    assert_axe_clean(dealer, axe_path, "dealer application")
    dealer.get_by_role("button", name="Send the application").click()
    dealer.wait_for_url("**/dealers/mine/")
    assert "Pending review" in dealer.locator("main").inner_text()
    dealer.set_input_files(
        "#id_image",
        {
            "name": "work.png",
            "mimeType": "image/png",
            "buffer": image_upload("w.png", (800, 600)).read(),
        },
    )
    dealer.get_by_role("button", name="Add the photo").click()
    dealer.wait_for_selector("img[alt='Work of Foxy Prints']")
    shot(dealer, "photo")
    assert_axe_clean(dealer, axe_path, "my application with a photo")

    lead = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    lead.set_default_timeout(15_000)
    log_in(lead, base, "den-lead@example.org")
    lead.goto(f"{base}/dealers/review/")
    assert "hidden until you score" in lead.locator("main").inner_text()
    lead.get_by_role("link", name="Foxy Prints").click()
    lead.select_option("#id_score", "4")
    lead.get_by_role("button", name="Send my score").click()
    lead.wait_for_selector("text=4/5")
    shot(lead, "review-phone")
    assert_axe_clean(lead, axe_path, "review")
    lead.get_by_role("button", name="Approve").click()
    lead.wait_for_url("**/dealers/review/")
    listing = lead.locator("main").inner_text()
    assert "Approved: invoice to pay" in listing and "4.0" in listing
    assert lead.evaluate("document.documentElement.scrollWidth") <= 390

    dealer.goto(f"{base}/dealers/mine/")
    assert "Invoice $60.00, to pay by" in dealer.locator("main").inner_text()
    dealer.get_by_label("Card (simulated — no real money)").check()
    shot(dealer, "invoice")
    dealer.get_by_role("button", name="Pay $60.00").click()
    dealer.wait_for_url("**/payments/pay/vendors/**")
    dealer.fill("#id_card_number", "4242 4242 4242 4242")
    dealer.locator("main form button[type=submit]").click()
    dealer.wait_for_url("**/dealers/mine/")
    assert "Paid" in dealer.locator(".vendors-status").inner_text()

    lead.goto(f"{base}/dealers/hall/")
    lead.fill("#id_rows", "2")
    lead.fill("#id_per_row", "5")
    lead.get_by_role("button", name="Lay out").click()
    lead.wait_for_selector("[data-table=B5]")
    lead.get_by_label("Tables of Foxy Prints").fill("A1")
    lead.get_by_role("button", name="Place").click()
    lead.wait_for_selector("text=Foxy Prints: A1.")
    shot(lead, "hall-phone")
    assert_axe_clean(lead, axe_path, "the hall")
    assert "Foxy Prints" in lead.locator("[data-table=A1]").inner_text()

    visitor = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    visitor.goto(f"{base}/dealers/")
    assert "Foxy Prints" in visitor.locator("main").inner_text()
    assert "Foxy Prints" in visitor.locator(".vendors-map-taken").inner_text()
    shot(visitor, "den")
    assert_axe_clean(visitor, axe_path, "dealers' den")

    print("\nscreenshots:\n" + "\n".join(str(p) for p in shots))  # noqa: T201
    assert all(p.stat().st_size > 5_000 for p in shots)
