"""One attendee's journey through a real browser against a real gunicorn with two tenants."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from directory.models import ConventionAttendee
from event.services import event_create, event_delete, event_generate_properties
from front.models import Page, SiteBranding
from front.services import branding_save
from register.models import AddOn, BadgeLevel, Order, Registration
from tenant.models import Membership, Tenant, User
from tenant.roles import Role
from tests.browser.axe import assert_axe_clean
from tests.factories.tenant import PASSWORD

pytestmark = pytest.mark.server

START = timezone.localdate() + dt.timedelta(days=60)


@pytest.fixture
def two_conventions(committed):
    """Committed data the server processes can see: an event, branding and a page in each of
    alpha and beta, an attendee account and alpha's org admin. Removed afterwards."""
    alpha = Tenant.objects.get(schema_name="alpha")
    beta = Tenant.objects.get(schema_name="beta")
    with schema_context("public"):
        fan = User.objects.create_user("fan@example.org", PASSWORD, full_name="Robin Fox")
        boss = User.objects.create_user("boss@example.org", PASSWORD, full_name="Org Admin")
        Membership.objects.create(user=boss, tenant=alpha, roles=[Role.ORG_ADMIN])
    made = {}
    for tenant, name, colour in ((alpha, "Alpha Con", "#5b21b6"), (beta, "Beta Fest", "#0f5132")):
        with tenant_context(tenant):
            event = event_create(
                name=name,
                slug=name.lower().replace(" ", "-"),
                start_date=START,
                end_date=START + dt.timedelta(days=2),
                timezone="America/New_York",
                venue_name=f"{name} Hall",
                venue_address="1 Main Street",
                city="Springfield",
                is_active=True,
            )
            event_generate_properties(event=event)
            BadgeLevel.objects.create(
                event=event, name="Attendee", price=Decimal("55.00"), capacity=50
            )
            BadgeLevel.objects.create(
                event=event, name="Sponsor", price=Decimal("150.00"), capacity=10
            )
            AddOn.objects.create(
                event=event, name="T-shirt", price=Decimal("20.00"), options=["S", "M", "L"]
            )
            branding_save(
                branding=SiteBranding(
                    brand_colour=colour, description=f"{name}: three days of fandom."
                )
            )
            Page.objects.create(title="Code of conduct", slug="code-of-conduct", body="Be kind.")
            made[tenant.schema_name] = event
    try:
        yield alpha, beta
    finally:
        for tenant in (alpha, beta):
            with tenant_context(tenant):
                Registration.objects.all().delete()
                Order.objects.all().delete()
                AddOn.objects.all().delete()
                event_delete(event=made[tenant.schema_name])
                SiteBranding.objects.all().delete()
                Page.objects.all().delete()
        with schema_context("public"):
            ConventionAttendee.objects.filter(user__in=[fan, boss]).delete()
            Membership.objects.filter(user=boss).delete()
            User.objects.filter(pk__in=[fan.pk, boss.pk]).delete()


def _fill_attendee(page, n: int, legal: str, badge: str) -> None:
    page.select_option(f"#id_attendee-{n}-level", label="Attendee — $55.00")
    page.fill(f"#id_attendee-{n}-legal_name", legal)
    page.fill(f"#id_attendee-{n}-badge_name", badge)
    page.fill(f"#id_attendee-{n}-birthdate", "1990-05-17")
    page.fill(f"#id_attendee-{n}-email", f"{badge.lower()}@example.org")
    page.fill(f"#id_attendee-{n}-phone", "+1 555 0100")
    page.fill(f"#id_attendee-{n}-emergency_contact", "Sam +1 555 0101")


def test_attendee_registers_two_people_and_pays(
    chromium_available, axe_path, two_conventions, gunicorn, browser, artifacts
):
    # Chromium is checked first (skip, or fail in CI, before any setup); the browser itself is
    # started last, after the database work of the fixtures (see the browser fixture).
    port, log = gunicorn
    alpha_url, beta_url = f"http://alpha.localhost:{port}", f"http://beta.localhost:{port}"
    shots = []

    def shot(page, name):
        path = artifacts / f"{len(shots) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        shots.append(path)

    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    refused = []  # what the Content-Security-Policy blocked, as the browser reports it
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    # The convention's home: event, venue, the Register button, in its colours.
    page.goto(f"{alpha_url}/")
    assert page.locator("h1").inner_text() == "Alpha Con"
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Code of conduct").count() == 1
    shot(page, "alpha-home")
    assert_axe_clean(page, axe_path, "tenant home")

    # Logged out, /register/ says why an account is needed, with prices in dollars, and the
    # log-in link leads back to it.
    page.get_by_role("link", name="Register now").click()
    assert "First, log in or create an account" in page.locator("main").inner_text()
    assert "Attendee — $55.00" in page.locator("main").inner_text()
    shot(page, "register-logged-out")
    assert_axe_clean(page, axe_path, "register, logged out")
    page.get_by_role("main").get_by_role("link", name="Log in").click()
    page.fill("#id_username", "fan@example.org")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{alpha_url}/register/?people=2")
    assert page.locator("h1").inner_text() == "Register for Alpha Con"
    assert_axe_clean(page, axe_path, "registration form")
    _fill_attendee(page, 0, "Robin Fox", "Robin")
    _fill_attendee(page, 1, "Kit Fox", "Kit")
    page.get_by_label("T-shirt (+$20.00)").first.select_option("M")
    page.get_by_label("Card (simulated — no real money)").check()
    shot(page, "registration-form")
    page.get_by_role("button", name="Place order").click()

    page.fill("#id_card_number", "4242 4242 4242 4242")
    held = page.locator("main").inner_text()
    assert "Pay $130.00" in held
    assert re.search(r"held until \d{1,2}:\d\d\s?[AP]M E[SD]T\.", held), held  # Philadelphia
    shot(page, "simulated-card")
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url("**/register/orders/*/")
    reference = page.url.rstrip("/").rsplit("/", 1)[1]
    order_text = page.locator("main").inner_text()
    assert "Paid" in order_text and "total $130.00" in order_text
    assert "T-shirt (M) · $20.00" in order_text
    shot(page, "order-page")

    page.goto(f"{alpha_url}/register/mine/")
    badges = page.locator("article.badge")
    assert badges.count() == 2
    assert page.locator("article.badge figure svg").count() == 2
    assert badges.first.get_by_text("T-shirt (M) · $20.00").count() == 1
    assert badges.first.get_by_label("New level").count() == 1  # the upgrade, in its card
    assert "Sponsor (+$95.00)" in badges.first.inner_text()
    shot(page, "my-registrations")
    assert_axe_clean(page, axe_path, "my registrations")

    # Same browser, the other convention's host: a session belongs to the host it was made on.
    page.goto(f"{beta_url}/")
    assert page.locator("h1").inner_text() == "Beta Fest"
    assert page.get_by_role("link", name="Log in").count() == 1
    assert page.get_by_role("button", name="Log out").count() == 0
    assert page.get_by_role("link", name="My registrations").count() == 0
    shot(page, "beta-not-logged-in")

    # The org admin finds the order in alpha's admin.
    admin = browser.new_context().new_page()
    admin.set_default_timeout(15_000)
    admin.goto(f"{alpha_url}/admin/register/order/?q=Kit+Fox")
    admin.fill("#id_username", "boss@example.org")
    admin.fill("#id_password", PASSWORD)
    admin.locator("input[type=submit], button[type=submit]").first.click()
    admin.wait_for_url("**/admin/register/order/**")
    assert admin.get_by_role("link", name=reference).count() == 1
    shot(admin, "admin-finds-order")
    admin.get_by_role("link", name=reference).click()
    admin.wait_for_url("**/change/**")
    assert "T-shirt (M)" in admin.locator("#content").inner_text()
    shot(admin, "admin-order-add-ons")
    admin.goto(f"{alpha_url}/admin/")
    glance = admin.get_by_role("region", name="At a glance")
    assert "$130.00" in glance.inner_text() and "Places left: Attendee" in glance.inner_text()
    shot(admin, "admin-dashboard")
    admin.goto(f"{alpha_url}/admin/register/order/reports/")
    assert "There is no earlier event to compare with." in admin.locator("#content").inner_text()
    shot(admin, "admin-reports")

    # The platform's directory lists both conventions, linking to their hosts.
    page.goto(f"http://localhost:{port}/")
    assert page.get_by_role("link", name="Alpha Con").get_attribute("href") == f"{alpha_url}/"
    assert page.get_by_role("link", name="Beta Fest").get_attribute("href") == f"{beta_url}/"
    shot(page, "platform-directory")
    assert_axe_clean(page, axe_path, "directory")

    print("\nscreenshots:\n" + "\n".join(str(p) for p in shots))  # noqa: T201
    assert all(p.stat().st_size > 5_000 for p in shots)
    assert refused == []  # the pages keep their Content-Security-Policy
