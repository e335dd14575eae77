"""The door's main journey in a real browser against a real gunicorn, on a phone-sized desk:
an attendee opens *My registrations*; the desk decodes the QR code shown there and checks
them in; the second scan is refused as already checked in.

The first journey decodes the QR code with the desk page's own vendored decoder (jsQR, the
fallback the camera scanner uses) from a screenshot of the code on the attendee's page and
types it into the desk's code field; the second holds the badge's code up to an emulated
camera (Chromium's fake capture device playing a generated video) and lets the desk's scanner
decode and send it by itself."""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from event.services import event_create, event_delete
from kiosk.models import CheckIn
from register.models import BadgeLevel, Order, Registration
from register.services import order_mark_paid, order_place
from tenant.models import Membership, Tenant, User
from tenant.roles import Role
from tests.browser.axe import assert_axe_clean
from tests.browser.camera import camera_args, camera_feed
from tests.browser.conftest import CHROMIUM_ARGS
from tests.browser.pages import log_in
from tests.factories.register import attendee
from tests.factories.tenant import PASSWORD

pytestmark = pytest.mark.server

START = timezone.localdate() + dt.timedelta(days=30)
DECODE = """async (png) => {
  const image = new Image();
  image.src = "data:image/png;base64," + png;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
  const code = window.jsQR(pixels.data, pixels.width, pixels.height);
  return code ? code.data : null;
}"""


@pytest.fixture
def door(committed):
    alpha = Tenant.objects.get(schema_name="alpha")
    with schema_context("public"):
        fan = User.objects.create_user("door-fan@example.org", PASSWORD, full_name="Robin Fox")
        desk = User.objects.create_user("door-desk@example.org", PASSWORD, full_name="Desk")
        Membership.objects.create(user=desk, tenant=alpha, roles=[Role.KIOSK_OPERATOR])
    with tenant_context(alpha):
        event = event_create(
            name="Alpha Con",
            slug="alpha-con-door",
            start_date=START,
            end_date=START + dt.timedelta(days=2),
            timezone="America/New_York",
            is_active=True,
        )
        level = BadgeLevel.objects.create(event=event, name="Attendee", price=Decimal("60.00"))
        order = order_place(
            event=event,
            account=fan,
            attendees=[attendee(level, legal_name="Robin Fox", badge_name="Robin")],
            provider="door",
        )
        order_mark_paid(order_id=order.pk, amount=order.total)
        token = Registration.objects.get(order=order).checkin_token
    try:
        yield token
    finally:
        with tenant_context(alpha):
            CheckIn.objects.filter(event=event).delete()
            Registration.objects.filter(event=event).delete()
            Order.objects.filter(event=event).delete()
            BadgeLevel.objects.filter(event=event).delete()
            event_delete(event=event)
        with schema_context("public"):
            Membership.objects.filter(user=desk).delete()
            User.objects.filter(pk__in=[fan.pk, desk.pk]).delete()


def test_the_desk_scans_the_code_on_my_registrations_then_refuses_it_again(
    chromium_available, axe_path, door, gunicorn, browser, artifacts
):
    token = door  # read before the browser starts: no ORM while Playwright runs
    port, _log = gunicorn
    base = f"http://alpha.localhost:{port}"
    phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}

    fan = browser.new_context(**phone).new_page()
    fan.set_default_timeout(15_000)
    log_in(fan, base, "door-fan@example.org")
    fan.goto(f"{base}/register/mine/")
    code_png = fan.locator("figure svg").first.screenshot()
    fan.screenshot(path=str(artifacts / "kiosk-01-my-registrations.png"), full_page=True)

    desk = browser.new_context(**phone).new_page()
    desk.set_default_timeout(15_000)
    log_in(desk, base, "door-desk@example.org")
    desk.goto(f"{base}/kiosk/")
    assert_axe_clean(desk, axe_path, "check-in desk")
    decoded = desk.evaluate(DECODE, base64.b64encode(code_png).decode())
    desk.fill("#id_desk", "Door A")
    desk.fill("#id_secret", decoded)
    desk.get_by_role("button", name="Check in", exact=True).click()
    desk.wait_for_selector("[data-result]")
    first_verdict = desk.locator(".kcard__verdict").inner_text()
    first_name = desk.locator(".kcard__name").inner_text()
    desk.screenshot(path=str(artifacts / "kiosk-02-checked-in.png"), full_page=True)
    assert_axe_clean(desk, axe_path, "checked-in card")

    desk.goto(f"{base}/kiosk/")
    desk.fill("#id_secret", decoded)
    desk.get_by_role("button", name="Check in", exact=True).click()
    desk.wait_for_selector("[data-result]")
    second_verdict = desk.locator(".kcard__verdict").inner_text()
    second_reason = desk.locator("[data-result]").get_attribute("data-reason")
    desk.screenshot(path=str(artifacts / "kiosk-03-already-checked-in.png"), full_page=True)
    page_width = desk.evaluate("document.documentElement.scrollWidth")
    recent = desk.locator(".krecent li").all_inner_texts()
    desk.goto(f"{base}/kiosk/dashboard/")
    inside = desk.locator("[data-figure=inside]").inner_text()

    assert decoded == token
    assert "Checked in." in first_verdict and first_name == "Robin Fox"
    assert "Already checked in." in second_verdict and second_reason == "already_redeemed"
    assert len(recent) == 1 and recent[0].endswith("Robin Attendee · Entry · Door A")
    assert inside == "1"
    assert page_width <= 390  # no sideways scrolling on the phone


def test_the_desk_checks_a_badge_in_from_the_camera(
    chromium_available, door, gunicorn, monkeypatch, tmp_path, artifacts
):
    """Chromium's fake camera shows the badge's QR code; the desk's scanner decodes it from
    the video and sends the scan by itself."""
    from playwright.sync_api import sync_playwright

    token = door
    feed = camera_feed(token, tmp_path / "badge.y4m")
    port, _log = gunicorn
    base = f"http://alpha.localhost:{port}"
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    camera = camera_args(feed)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(chromium_available), args=CHROMIUM_ARGS + camera, headless=True
        )
        try:
            context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
            context.grant_permissions(["camera"], origin=base)
            desk = context.new_page()
            desk.set_default_timeout(20_000)
            log_in(desk, base, "door-desk@example.org")
            desk.goto(f"{base}/kiosk/")
            desk.fill("#id_desk", "Door C")
            desk.locator("[data-camera-start]").click()
            desk.wait_for_selector("[data-result]")
            verdict = desk.locator(".kcard__verdict").inner_text()
            name = desk.locator(".kcard__name").inner_text()
            desk.screenshot(path=str(artifacts / "kiosk-04-camera-checked-in.png"), full_page=True)
        finally:
            chromium.close()

    assert "Checked in." in verdict and name == "Robin Fox"
