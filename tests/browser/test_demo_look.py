"""The demo conventions as people see them, in a real browser against a real gunicorn: the
home, register, My registrations (with a paid badge) and admin index pages of both, at desktop
and phone widths, screenshotted into tests/artifacts/ (demo-*.png), with axe finding nothing
serious and the Content-Security-Policy refusing nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tenants.utils import schema_context, tenant_context

from event.selectors import active_event
from midsummer.management.commands.seed_demo import DEMO_PASSWORD
from register.models import BadgeLevel
from register.services import order_mark_paid, order_place
from tenant.lifecycle import tenant_delete
from tenant.models import Tenant, User
from tests.browser.axe import assert_axe_clean
from tests.factories.register import attendee

pytestmark = pytest.mark.server

# schema: (event, days, social links in the footer), as front/demo.py and event/demo.py make them
DEMO = {
    "furrydelphia": ("Furrydelphia 2027", 4, 5),
    "uproar": ("Uproar Winter 2027", 3, 4),
}
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
PAGES = (
    ("home", "/"),
    ("register", "/register/"),
    ("my-registrations", "/register/mine/"),
    ("admin", "/admin/"),
)


@pytest.fixture
def demo_conventions(committed):
    """``seed_demo`` in the test database, and a paid badge for each demo admin. Removed
    afterwards: both conventions (schema, hosts, media, their accounts) and the operator."""
    # Not the `settings` fixture: while it is active the settings have no SETTINGS_MODULE to
    # hand to the gunicorn started next.
    with override_settings(DEV_MODE=True):  # seed_demo refuses otherwise
        call_command("seed_demo", stdout=io.StringIO())
    for schema in DEMO:
        tenant = Tenant.objects.get(schema_name=schema)
        admin = User.objects.get(email=f"admin@{schema}.localhost")
        with tenant_context(tenant):
            event = active_event()
            level = BadgeLevel.objects.get(event=event, name="Attendee")
            order = order_place(
                event=event, account=admin, attendees=[attendee(level)], provider="simulated"
            )
            order_mark_paid(order_id=order.pk, amount=order.total)
    try:
        yield
    finally:
        for schema in DEMO:
            tenant_delete(
                tenant=Tenant.objects.get(schema_name=schema),
                without_export=True,
                sync_timeout=5,
                grace_seconds=0,
            )
        with schema_context("public"):
            User.objects.filter(email="operator@midsummer.localhost").delete()


def test_demo_conventions_look_like_conventions_on_desktop_and_phone(
    chromium_available, axe_path, demo_conventions, gunicorn, browser, artifacts
):
    port, log = gunicorn
    refused = []  # what the Content-Security-Policy blocked, as the browser reports it
    shots = []
    for schema in DEMO:
        site = f"http://{schema}.localhost:{port}"
        context = browser.new_context(viewport=VIEWPORTS["desktop"])
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on(
            "console",
            lambda message: (
                refused.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        page.goto(f"{site}/accounts/login/")
        page.fill("#id_username", f"admin@{schema}.localhost")
        page.fill("#id_password", DEMO_PASSWORD)
        page.locator("main").get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{site}/**")

        for width_name, viewport in VIEWPORTS.items():
            page.set_viewport_size(viewport)
            for name, path in PAGES:
                response = page.goto(f"{site}{path}")
                assert response is not None and response.status == 200, f"{schema}{path}"
                # Every picture arrived and decoded (logo, banner, check-in code, ...).
                assert page.evaluate(
                    "[...document.images].every(i => i.complete && i.naturalWidth > 0)"
                ), f"a broken image on {schema}{path}"
                shot = artifacts / f"demo-{schema}-{name}-{width_name}.png"
                page.screenshot(path=str(shot), full_page=True)
                shots.append(shot)
                assert_axe_clean(page, axe_path, f"{schema} {name} ({width_name})")
                if width_name == "desktop":
                    _check_content(page, schema, name)
        context.close()

    print("\nscreenshots:\n" + "\n".join(str(p) for p in shots))  # noqa: T201
    assert len(shots) == 16
    assert all(p.stat().st_size > 5_000 for p in shots)
    assert refused == []


def _check_content(page, schema: str, name: str) -> None:
    """What the demo convention's page must show besides looking right."""
    event_name, days, links = DEMO[schema]
    if name == "home":
        assert page.locator("h1").inner_text() == event_name
        assert page.locator("img.banner").count() == 1
        assert page.locator("ol.days > li").count() == days
        assert page.locator("footer .footer__social a").count() == links
        assert page.locator("link[rel=icon][type='image/png']").count() == 1
        og_image = page.locator("meta[property='og:image']").get_attribute("content") or ""
        assert og_image.startswith(f"http://{schema}.localhost:") and og_image.endswith(".jpg")
    elif name == "my-registrations":
        assert page.locator("article.badge figure svg").count() == 1  # paid: a check-in code
    elif name == "admin":
        assert page.locator("#site-name img.site-logo").count() == 1
