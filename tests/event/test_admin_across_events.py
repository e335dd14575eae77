"""The convention admin with two events at once: under an event's address every list of an
event's rows — also those that reach their event through a parent (waiting list, jobs) — and
every filter choice is that event's; under *All events* each row and choice names its event,
and the dashboard shows each current event's figures side by side."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.apps import apps
from django_tenants.utils import tenant_context

from midsummer.admin_sites import event_path, tenant_admin_site
from register.models import BadgeLevel, WaitlistEntry
from staff.models import Department, Job
from tests.event.conftest import NEXT_YEAR, THIS_YEAR, client_of
from tests.factories.tenant import MembershipFactory, UserFactory

# Rows of the whole convention, not of one event: listed alike under every event's address.
CONVENTION_WIDE = {
    "tenant.Membership",
    "tenant.Application",
    "event.Event",
    "register.BanEntry",
    "front.SiteBranding",
    "front.Page",
    "kiosk.Device",
    "api.Webhook",
    "api.WebhookDelivery",
}


@pytest.fixture
def organizer_client(tenant_a):
    organizer = UserFactory()
    MembershipFactory(user=organizer, tenant=tenant_a, is_tenant_superuser=True)
    return client_of(organizer)


def _filter_choices(page: str, title: str) -> set[str]:
    """The choices of the changelist's filter by ``title`` (none: the filter is not shown)."""
    block = re.search(rf'<details data-filter-title="{title}"[^>]*>(.*?)</details>', page, re.S)
    if block is None:
        return set()
    return {re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<a [^>]*>([^<]*)</a>", block[1])}


def test_every_event_row_in_the_admin_knows_its_way_to_its_event():
    """A model added to the admin that belongs to an event but that ``event_path`` cannot place
    (a nullable parent, say) would list every event's rows under one event's address: it must
    either find its event or be named here as the convention's."""
    assert event_path(apps.get_model("register.BadgeLevel")) == "event"
    assert event_path(apps.get_model("register.WaitlistEntry")) == "level__event"
    assert event_path(apps.get_model("staff.Job")) == "department__event"
    assert event_path(apps.get_model("staff.Shift")) == "volunteer__event"
    assert event_path(apps.get_model("kiosk.PrintJob")) == "registration__event"
    unplaced = {
        model._meta.label for model in tenant_admin_site._registry if event_path(model) is None
    }
    assert unplaced == CONVENTION_WIDE


def test_lists_reached_through_a_parent_show_the_served_events_rows_only(
    tenant_a, two_events, organizer_client
):
    with tenant_context(tenant_a):
        waiting = [
            WaitlistEntry.objects.create(level=level, account_id=two_events.buyer.pk, email=email)
            for level, email in zip(
                two_events.levels, ["wait31@example.org", "wait32@example.org"], strict=True
            )
        ]
        jobs = [
            Job.objects.create(
                department=Department.objects.create(event=event, name="Ops", slug="ops"),
                name=name,
                start=dt.datetime(year, 7, 1, 9, tzinfo=dt.UTC),
                end=dt.datetime(year, 7, 1, 12, tzinfo=dt.UTC),
            )
            for event, name, year in [
                (two_events.this, "Door desk 31", 2031),
                (two_events.following, "Door desk 32", 2032),
            ]
        ]

    waitlist = organizer_client.get("/sum-2032/admin/register/waitlistentry/").content.decode()
    job_list = organizer_client.get("/sum-2032/admin/staff/job/").content.decode()
    this_years_entry = organizer_client.get(
        f"/sum-2032/admin/register/waitlistentry/{waiting[0].pk}/change/"
    )
    this_years_job = organizer_client.get(f"/sum-2032/admin/staff/job/{jobs[0].pk}/change/")
    everything = organizer_client.get("/admin/staff/job/").content.decode()

    assert "wait32@example.org" in waitlist and "wait31@example.org" not in waitlist
    assert "Door desk 32" in job_list and "Door desk 31" not in job_list
    assert this_years_entry.status_code in (302, 404)  # "doesn't exist" under next year's
    assert this_years_job.status_code in (302, 404)
    assert "Door desk 31" in everything and "Door desk 32" in everything
    # Under All events, each job says its event (through its department).
    rows = [re.sub(r"<[^>]+>", " ", row) for row in re.findall(r"<tr>(.*?)</tr>", everything, re.S)]
    assert any("Door desk 31" in row and THIS_YEAR in row for row in rows)
    assert any("Door desk 32" in row and NEXT_YEAR in row for row in rows)
    assert re.search(r"column-event[^>]*>.*?Event\s*<", everything, re.S)


def test_filters_offer_the_served_events_choices_and_name_the_event_under_all_events(
    tenant_a, two_events, organizer_client
):
    with tenant_context(tenant_a):
        BadgeLevel.objects.create(event=two_events.following, name="Late 32", price=50)

    following = organizer_client.get("/sum-2032/admin/register/registration/").content.decode()
    orders = organizer_client.get("/sum-2032/admin/register/order/").content.decode()
    everything = organizer_client.get("/admin/register/registration/").content.decode()
    all_orders = organizer_client.get("/admin/register/order/").content.decode()

    assert _filter_choices(following, "level") == {"All", "Early Bird 32", "Late 32"}
    assert _filter_choices(orders, "level") == {"All", "Early Bird 32", "Late 32"}
    assert _filter_choices(orders, "event") == set()  # one event is shown: nothing to choose
    choices = re.findall(
        r"<a [^>]*>([^<]*)</a>",
        re.search(r'data-filter-title="level"[^>]*>(.*?)</details>', everything, re.S)[1],
    )
    assert [c.strip() for c in choices][1:] == [  # this year's first
        f"Day Pass 31 ({THIS_YEAR})",
        f"Early Bird 32 ({NEXT_YEAR})",
        f"Late 32 ({NEXT_YEAR})",
    ]
    assert _filter_choices(everything, "level") == {
        "All",
        f"Day Pass 31 ({THIS_YEAR})",
        f"Early Bird 32 ({NEXT_YEAR})",
        f"Late 32 ({NEXT_YEAR})",
    }
    assert {THIS_YEAR, NEXT_YEAR} <= _filter_choices(all_orders, "event")


def test_all_events_lists_say_which_event_each_row_belongs_to(two_events, organizer_client):
    badges = organizer_client.get("/admin/register/registration/").content.decode()
    following = organizer_client.get("/sum-2032/admin/register/registration/").content.decode()

    rows = re.findall(r"<tr>(.*?)</tr>", badges, re.S)
    cells = [re.sub(r"<[^>]+>", "", row) for row in rows]
    assert any("Ada Thisyear" in row and THIS_YEAR in row for row in cells)
    assert any("Ada Nextyear" in row and NEXT_YEAR in row for row in cells)
    assert "column-event" in badges
    assert "column-event" not in following  # one event's list needs no event column


def test_the_dashboard_of_all_events_shows_each_current_events_figures(
    tenant_a, two_events, organizer_client
):
    with tenant_context(tenant_a):
        BadgeLevel.objects.filter(pk__in=[level.pk for level in two_events.levels]).update(
            capacity=50
        )

    everything = organizer_client.get("/admin/").content.decode()
    following = organizer_client.get("/sum-2032/admin/").content.decode()

    titles = re.findall(r'<h2 id="dashboard-\d+">([^<]*)</h2>', everything)
    assert titles == [f"At a glance: {THIS_YEAR}", f"At a glance: {NEXT_YEAR}"]
    sections = everything.split('<h2 id="dashboard-')[1:]
    assert 'href="/sum-2031/admin/"' in sections[0] and 'href="/sum-2032/admin/"' in sections[1]
    # Each event's places left (its own level), linked at its own admin.
    assert "Places left: Day Pass 31" in sections[0] and "Early Bird 32" not in sections[0]
    assert "Places left: Early Bird 32" in sections[1] and "Day Pass 31" not in sections[1]
    assert 'href="/sum-2032/admin/register/order/' in sections[1]
    assert re.findall(r'<h2 id="dashboard-\d+">([^<]*)</h2>', following) == [
        f"At a glance: {NEXT_YEAR}"
    ]
