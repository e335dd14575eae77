"""The public programme: pages, favourites, personal feeds, the cache (per tenant, dropped on
release), the grid's query count, and another convention's data never showing."""

import datetime as dt
import re

import icalendar
import pytest
from django.core.cache import cache
from django.db import connection
from django_tenants.utils import tenant_context

from schedule.models import Favourite, Submission
from schedule.services import SubmissionInput, release_create, submission_create
from tests.factories.schedule import SubmissionFactory
from tests.schedule.conftest import at, log_in, make_programme


def test_programme_grid_list_and_filters(tenant_a, client_a, programme):
    grid = client_a.get("/schedule/?day=2031-07-01").content.decode()
    listed = client_a.get("/schedule/?day=2031-07-01&view=list").content.decode()
    one_room = client_a.get(
        f"/schedule/?day=2031-07-01&room={programme.rooms[1].pk}"
    ).content.decode()

    assert grid.count('<article class="sgrid__session ') == 3
    assert listed.count('class="slist__time">08:00<') == 2
    assert ("Panel 1" in one_room, "Panel 0" in one_room) == (True, False)


def test_session_and_panelist_pages(client_a, programme):
    code = programme.sessions[0].code

    session = client_a.get(f"/schedule/session/{code}/").content.decode()
    speaker = client_a.get(f"/schedule/speakers/{programme.speaker.code}/").content.decode()

    assert "Tuesday 1 July, 08:00–08:30 (America/New_York)" in session
    assert "Robin Fox" in speaker and "Panel 0" in speaker
    assert client_a.get("/schedule/session/NOPE00/").status_code == 404


def test_now_and_next_shows_running_and_upcoming(client_a, programme, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: at(programme.event, 1, "08:10"))

    page = client_a.get("/schedule/now/").content.decode()

    assert re.search(r"Main Stage</strong> Panel 0 <span class=\"muted\">until 08:30", page)
    assert "08:30 Main Stage</strong> Panel 2" in page


def test_favourites_and_personal_feeds(tenant_a, client_a, programme):
    log_in(client_a)
    client_a.post(f"/schedule/session/{programme.sessions[2].code}/favourite/")
    mine = client_a.get("/schedule/mine/").content.decode()
    favourites_url = re.search(
        r"https?://alpha\.localhost[:\d]*(/[\w-]+/schedule/feeds/[\w-]+/favourites\.ics)", mine
    )[1]

    feed = icalendar.Calendar.from_ical(client_a.get(favourites_url).content)

    assert [str(e["summary"]) for e in feed.walk("VEVENT")] == ["Panel 2"]
    assert (
        client_a.get("/schedule/")
        .content.decode()
        .count(f"#s-{programme.sessions[2].code} .fav-mark")
        == 1
    )


def test_my_panels_feed_holds_the_panelists_sessions(tenant_a, client_a):
    person = log_in(client_a).user
    with tenant_context(tenant_a):
        p = make_programme(sessions=2, release=False)
        p.speaker.account_id = person.pk
        p.speaker.save(update_fields=["account_id"])
        release_create(event=p.event, by_id=None)
    url = re.search(
        r"(/schedule/feeds/[\w-]+/panels\.ics)", client_a.get("/schedule/mine/").content.decode()
    )[1]
    client_a.logout()  # the feed needs no session: calendar apps have none

    feed = icalendar.Calendar.from_ical(client_a.get(url).content)

    assert [str(e["summary"]) for e in feed.walk("VEVENT")] == ["Panel 0"]


def test_a_renewed_feed_link_withdraws_the_old_one(client_a, programme):
    log_in(client_a)
    old = re.search(
        r"(/schedule/feeds/[\w-]+/favourites\.ics)",
        client_a.get("/schedule/mine/").content.decode(),
    )[1]

    client_a.post("/schedule/mine/")

    assert client_a.get(old).status_code == 404


# --- cache --------------------------------------------------------------------------------------
def test_the_programme_is_served_from_the_cache_until_the_next_release(
    tenant_a, client_a, programme, django_capture_on_commit_callbacks
):
    client_a.get("/schedule/export/schedule.json")
    with tenant_context(tenant_a):
        Submission.objects.filter(pk=programme.sessions[0].pk).update(title="Changed in the WIP")
    from_cache = client_a.get("/schedule/export/schedule.json").content.decode()

    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        release_create(event=programme.event, by_id=None)
    after_release = client_a.get("/schedule/export/schedule.json").content.decode()

    assert ("Panel 0" in from_cache, "Changed in the WIP" in from_cache) == (True, False)
    assert "Changed in the WIP" in after_release


def test_cache_entries_belong_to_their_tenant(tenant_a, tenant_b, client_a, client_b):
    with tenant_context(tenant_a):
        a = make_programme(name="Alpha Con")
    with tenant_context(tenant_b):
        b = make_programme(name="Beta Con")
    client_a.get("/schedule/export/schedule.json")

    beta = client_b.get("/schedule/export/schedule.json").content.decode()

    assert ('"Beta Con"' in beta, '"Alpha Con"' in beta) == (True, False)
    with tenant_context(tenant_a):
        alpha_release = cache.get(f"schedule:release:{a.event.pk}")
    with tenant_context(tenant_b):
        beta_release = cache.get(f"schedule:release:{b.event.pk}")
    assert (alpha_release, beta_release) == (a.release.pk, b.release.pk)


# --- queries ------------------------------------------------------------------------------------
@pytest.mark.parametrize("sessions", [1, 3, 500])
def test_the_grid_costs_the_same_queries_for_1_3_and_500_sessions(
    tenant_a, client_a, django_assert_num_queries, warm_routes, sessions
):
    with tenant_context(tenant_a):
        event = make_programme(sessions=sessions, rooms=5).event
    warm_routes(client_a)
    cache.clear()

    # The event, the latest release's id, the release, its sessions twice (the filtered day,
    # and every room and track for the filters), the front's branding and pages: 7.
    with django_assert_num_queries(7):
        response = client_a.get(f"/{event.slug}/schedule/?day=2031-07-01")

    assert response.status_code == 200
    assert response.content.decode().count('<article class="sgrid__session ') == min(sessions, 180)


def test_the_grid_served_from_the_cache_costs_three_queries(
    tenant_a, client_a, django_assert_num_queries
):
    with tenant_context(tenant_a):
        event = make_programme(sessions=500, rooms=5).event
    client_a.get(f"/{event.slug}/schedule/?day=2031-07-01")

    # The event and the front's branding and pages; the programme comes from the cache.
    with django_assert_num_queries(3):
        client_a.get(f"/{event.slug}/schedule/?day=2031-07-01")


# --- isolation ----------------------------------------------------------------------------------
def test_another_conventions_wip_submissions_and_favourites_are_invisible(
    tenant_a, tenant_b, client_a, client_b
):
    person = log_in(client_b).user
    with tenant_context(tenant_a):
        a = make_programme(name="Alpha Con")
        secret = SubmissionFactory(event=a.event, title="Alpha secret WIP", status="submitted")
        submission_create(
            event=a.event,
            account_id=person.pk,
            email=person.email,
            data=SubmissionInput("Alpha submission", "x", 60, "panel", "all", False, "Robin"),
        )
        Favourite.objects.create(account_id=person.pk, submission=a.sessions[0])
    with tenant_context(tenant_b):
        make_programme(name="Beta Con", sessions=1)

    pages = [
        client_b.get(path).content.decode()
        for path in (
            "/schedule/",
            "/schedule/mine/",
            "/schedule/submissions/",
            "/schedule/export/schedule.json",
        )
    ]

    assert all("Alpha" not in page for page in pages)
    assert client_b.get(f"/schedule/session/{a.sessions[0].code}/").status_code == 404
    assert client_b.get(f"/schedule/submissions/{secret.code}/").status_code == 404
    assert client_b.get(f"/schedule/speakers/{a.speaker.code}/").status_code == 404


def test_a_feed_link_is_useless_at_another_convention(tenant_a, tenant_b, client_a, client_b):
    person = log_in(client_a).user
    with tenant_context(tenant_a):
        make_programme(name="Alpha Con")
    with tenant_context(tenant_b):
        make_programme(name="Beta Con")
    url = re.search(
        r"(/schedule/feeds/[\w-]+/favourites\.ics)",
        client_a.get("/schedule/mine/").content.decode(),
    )[1]
    log_in(client_b, person)
    beta_url = re.search(
        r"(/schedule/feeds/[\w-]+/favourites\.ics)",
        client_b.get("/schedule/mine/").content.decode(),
    )[1]

    assert client_b.get(url).status_code == 404
    assert client_a.get(url).status_code == 200
    assert beta_url != url


def test_another_conventions_lead_cannot_reach_the_planning_pages(tenant_a, tenant_b, client_b):
    from tenant.models import Membership
    from tenant.roles import Role
    from tests.factories.tenant import UserFactory

    lead = UserFactory()
    Membership.objects.create(user=lead, tenant=tenant_a, roles=[Role.SCHEDULE_LEAD])
    with tenant_context(tenant_b):
        make_programme(name="Beta Con")
    log_in(client_b, lead)

    assert client_b.get("/schedule/manage/plan/").status_code == 403
    assert client_b.get("/schedule/manage/").status_code == 403


def test_tasks_run_in_the_schema_they_were_queued_from(
    tenant_a, tenant_b, django_capture_on_commit_callbacks
):
    from django.core import mail

    with tenant_context(tenant_b):
        make_programme(name="Beta Con", sessions=1, release=False)
    with tenant_context(tenant_a):
        a = make_programme(name="Alpha Con", sessions=1, release=False)
        with django_capture_on_commit_callbacks(execute=True):
            release_create(event=a.event, by_id=None)

    assert [m.subject for m in mail.outbox] == ["Alpha Con: your sessions in schedule version 1"]
    assert connection.schema_name == "public"
    assert dt  # noqa: B018 - datetime kept for the helpers above


def test_the_grid_is_placed_by_classes_the_layout_stylesheet_defines(client_a, programme):
    """The Content-Security-Policy refuses style attributes: a grid placed by them would be a
    pile of cards. Every class the page uses is in the stylesheet, the track's colour too."""
    page = client_a.get("/schedule/?day=2031-07-01").content.decode()
    session = client_a.get(f"/schedule/session/{programme.sessions[0].code}/").content.decode()
    stylesheet = client_a.get("/schedule/layout.css")

    used = set(re.findall(r"\b(g[crs]-\d+|tc-[0-9a-f]{6})\b", page + session))
    defined = set(re.findall(r"\.(g[crs]-\d+|tc-[0-9a-f]{6})\{", stylesheet.content.decode()))
    assert 'style="' not in page and 'style="' not in session
    assert stylesheet["Content-Type"] == "text/css"
    assert {"gc-2", "gc-3", "gr-2", "gs-6", "tc-" + programme.track.colour[1:].lower()} <= used
    assert used <= defined
