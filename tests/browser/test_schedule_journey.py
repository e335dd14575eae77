"""The programme's main journey in a real browser against a real gunicorn: a fan submits a
panel, the programming lead accepts, places and releases it, and the public sees it in the
programme (on a phone too) and in the iCal feed."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from event.services import event_create, event_delete
from schedule.models import Room, Slot, Track
from tenant.models import Membership, Tenant, User
from tenant.roles import Role
from tests.browser.axe import assert_axe_clean
from tests.browser.pages import log_in
from tests.factories.tenant import PASSWORD
from tests.processes import http_get

pytestmark = pytest.mark.server

START = timezone.localdate() + dt.timedelta(days=60)
TITLE = "Fursuit Maintenance 101: Ünïcödé"


@pytest.fixture
def convention(committed):
    alpha = Tenant.objects.get(schema_name="alpha")
    with schema_context("public"):
        fan = User.objects.create_user("panel-fan@example.org", PASSWORD, full_name="Robin Fox")
        lead = User.objects.create_user("panel-lead@example.org", PASSWORD, full_name="Lead")
        Membership.objects.create(user=lead, tenant=alpha, roles=[Role.SCHEDULE_LEAD])
    with tenant_context(alpha):
        event = event_create(
            name="Alpha Con",
            slug="alpha-con",
            start_date=START,
            end_date=START + dt.timedelta(days=2),
            timezone="America/New_York",
            is_active=True,
        )
        Room.objects.create(event=event, name="Main Stage", capacity=300, position=0)
        Room.objects.create(event=event, name="Panel Room A", capacity=80, position=1)
        Track.objects.create(event=event, name="Fursuiting", slug="fursuiting", colour="#7c3aed")
    try:
        yield alpha, event
    finally:
        with tenant_context(alpha):
            Slot.objects.all().delete()
            event_delete(event=event)
        with schema_context("public"):
            Membership.objects.filter(user=lead).delete()
            User.objects.filter(pk__in=[fan.pk, lead.pk]).delete()


def test_submit_accept_place_release_and_see_it_in_the_programme_and_ical(
    chromium_available, axe_path, convention, gunicorn, browser, artifacts
):
    port, _log = gunicorn
    base = f"http://alpha.localhost:{port}"
    shots = []

    def shot(page, name):
        path = artifacts / f"schedule-{len(shots) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        shots.append(path)

    # A fan submits a panel.
    fan = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    fan.set_default_timeout(15_000)
    log_in(fan, base, "panel-fan@example.org")
    fan.goto(f"{base}/schedule/submit/")
    fan.fill("#id_title", TITLE)
    fan.fill("#id_description", "Keeping a suit fresh all weekend.")
    fan.fill("#id_duration", "60")
    fan.select_option("#id_track", label="Fursuiting")
    fan.fill("#id_availability", f"{START:%Y-%m-%d} 10:00-18:00")
    shot(fan, "submit")
    assert_axe_clean(fan, axe_path, "submit form")
    fan.get_by_role("button", name="Submit").click()
    fan.wait_for_url("**/schedule/submissions/*/")
    assert "Submitted" in fan.locator("main").inner_text()

    # The programming lead accepts it, places it and releases version 1.
    lead = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    lead.set_default_timeout(15_000)
    log_in(lead, base, "panel-lead@example.org")
    lead.goto(f"{base}/schedule/manage/")
    row = lead.locator("tr", has_text=TITLE)
    row.locator("select[name=status]").select_option("accepted")
    row.get_by_role("button", name="Decide").click()
    lead.wait_for_url("**/schedule/manage/**")
    lead.goto(f"{base}/schedule/manage/plan/?day={START:%Y-%m-%d}")
    lead.select_option("#id_submission_pick", label=f"{TITLE} (60 min) — not placed")
    lead.select_option("#id_room", label="Main Stage")
    lead.fill("#id_start", f"{START:%Y-%m-%d}T14:00")
    lead.get_by_role("button", name="Place", exact=True).click()
    lead.wait_for_url(f"**/schedule/manage/plan/?day={START:%Y-%m-%d}")
    assert lead.locator(".sgrid__session").count() == 1
    shot(lead, "plan")
    assert_axe_clean(lead, axe_path, "planning grid")
    lead.goto(f"{base}/schedule/manage/release/")
    lead.get_by_role("button", name="Release", exact=True).click()
    assert "Version 1 is public." in lead.locator("main").inner_text()

    # The public sees it in the grid, on a phone, and in the iCal feed.
    public = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    public.goto(f"{base}/schedule/?day={START:%Y-%m-%d}")
    session = public.locator(".sgrid__session")
    assert session.count() == 1
    assert "14:00–15:00 · Main Stage · Fursuiting" in session.inner_text()
    shot(public, "programme")
    assert_axe_clean(public, axe_path, "programme grid")
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    phone.goto(f"{base}/schedule/?day={START:%Y-%m-%d}")
    assert phone.locator(".sgrid__room").first.is_hidden()
    box = phone.locator(".sgrid__session").bounding_box()
    assert box is not None and box["width"] <= 390
    shot(phone, "programme-phone")
    # The way a calendar app subscribes: a plain GET, no session.
    status, body = http_get(port, "alpha.localhost", "/schedule/export/schedule.ics")
    events = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert status == 200
    assert [str(e["summary"]) for e in events] == [TITLE]
    assert events[0].decoded("dtstart").strftime("%H:%M %Z") in ("14:00 EDT", "14:00 EST")

    print("\nscreenshots:\n" + "\n".join(str(p) for p in shots))  # noqa: T201
    assert all(p.stat().st_size > 5_000 for p in shots)
