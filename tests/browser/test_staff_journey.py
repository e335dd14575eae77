"""The volunteers' main journey in a real browser against a real gunicorn: a volunteer
applies, the department's head accepts them on a phone, they sign up for a shift on the board
and see it in My shifts with their hours; the head, a volunteer too, is told the shift is full
on a phone-sized board that does not scroll sideways."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from event.services import event_create, event_delete
from staff.models import Department, Job, Volunteer
from staff.services import volunteer_accept
from staff.timing import at_local
from tenant.models import Tenant, User
from tests.browser.axe import assert_axe_clean
from tests.browser.pages import log_in
from tests.factories.tenant import PASSWORD

pytestmark = pytest.mark.server

START = timezone.localdate() + dt.timedelta(days=60)


@pytest.fixture
def convention(committed):
    alpha = Tenant.objects.get(schema_name="alpha")
    with schema_context("public"):
        fan = User.objects.create_user("shift-fan@example.org", PASSWORD, full_name="Robin Fox")
        late = User.objects.create_user("shift-late@example.org", PASSWORD, full_name="Kai Otter")
    with tenant_context(alpha):
        event = event_create(
            name="Alpha Con",
            slug="alpha-con",
            start_date=START,
            end_date=START + dt.timedelta(days=2),
            timezone="America/New_York",
            is_active=True,
        )
        desk = Department.objects.create(event=event, name="Registration", slug="registration")
        Job.objects.create(
            department=desk,
            name="Badge desk",
            start=at_local(START, dt.time(10), event),
            end=at_local(START, dt.time(12), event),
            places=1,
        )
        other = Volunteer.objects.create(
            event=event, account_id=late.pk, name="Kai Otter", emergency_contact="Sam 555"
        )
        volunteer_accept(volunteer_id=other.pk, department=desk, is_head=True)
    try:
        yield alpha, event, desk
    finally:
        with tenant_context(alpha):
            Volunteer.objects.all().delete()
            event_delete(event=event)
        with schema_context("public"):
            User.objects.filter(pk__in=[fan.pk, late.pk]).delete()


def test_a_volunteer_signs_up_for_a_shift_and_sees_it_in_my_shifts(
    chromium_available, axe_path, convention, gunicorn, browser, artifacts
):
    alpha, event, desk = convention
    port, _log = gunicorn
    base = f"http://alpha.localhost:{port}"
    shots = []

    def shot(page, name):
        path = artifacts / f"staff-{len(shots) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        shots.append(path)

    fan = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    fan.set_default_timeout(15_000)
    log_in(fan, base, "shift-fan@example.org")
    fan.goto(f"{base}/volunteer/apply/")
    fan.get_by_label("Registration", exact=True).check()
    fan.fill("#id_availability", "All weekend")
    fan.select_option("#id_shirt_size", "M")
    fan.fill("#id_emergency_contact", "Sam Fox, +1 215 555 0101")
    shot(fan, "apply")
    assert_axe_clean(fan, axe_path, "volunteer application")
    fan.get_by_role("button", name="Apply").click()
    fan.wait_for_url("**/volunteer/mine/")
    assert "Applied" in fan.locator("main").inner_text()

    # The department's head accepts the application on their phone.
    late = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    late.set_default_timeout(15_000)
    log_in(late, base, "shift-late@example.org")
    late.goto(f"{base}/volunteer/manage/applications/")
    shot(late, "applications-phone")
    assert_axe_clean(late, axe_path, "applications")
    late.locator("section", has_text="Robin Fox").get_by_role("button", name="Accept").click()
    late.wait_for_url("**/volunteer/manage/applications/")
    assert "Robin Fox is in Registration" in late.locator("main").inner_text()

    fan.goto(f"{base}/volunteer/?day={START:%Y-%m-%d}")
    row = fan.locator("tr", has_text="Badge desk")
    assert "1 / 1" in row.inner_text()
    shot(fan, "board")
    assert_axe_clean(fan, axe_path, "shift board")
    row.get_by_role("button", name="Sign up").click()
    fan.wait_for_url("**/volunteer/mine/")
    main = fan.locator("main").inner_text()
    assert "You are on Badge desk. Thank you!" in main
    assert f"{START:%a} {START.day} {START:%b} 10:00–12:00" in main
    assert "2.0 h" in main
    shot(fan, "my-shifts")
    assert_axe_clean(fan, axe_path, "my shifts")

    # The head, a volunteer too, finds the shift full on the phone-sized board.
    late.goto(f"{base}/volunteer/?day={START:%Y-%m-%d}")
    assert "Full" in late.locator("tr", has_text="Badge desk").inner_text()
    shot(late, "board-full-phone")
    assert late.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll

    print("\nscreenshots:\n" + "\n".join(str(p) for p in shots))  # noqa: T201
    assert all(p.stat().st_size > 5_000 for p in shots)
