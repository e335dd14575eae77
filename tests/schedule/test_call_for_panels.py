"""Submitting, co-panelists confirming, reviewers scoring, the lead deciding, releases mailing
panelists their changes."""

import csv
import html
import io
import re

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from schedule.models import Panelist, Release, Review, Submission
from schedule.services import release_create, slot_place
from tenant.models import Membership
from tenant.roles import Role
from tests.factories.tenant import UserFactory
from tests.schedule.conftest import at, log_in, make_programme

FORM = {
    "title": "Fursuit Maintenance 101",
    "description": "Keeping a suit fresh all weekend.",
    "duration": "50",
    "format": "panel",
    "content_rating": "all",
    "recording_ok": "on",
    "public_name": "Robin Fox",
    "co_panelists": "Kai Otter <kai@example.org>",
    "availability": "2031-07-02 10:00-18:00\n2031-07-03 20:00-02:00",
}


@pytest.fixture
def event(tenant_a):
    with tenant_context(tenant_a):
        return make_programme(sessions=0, release=False).event


def test_a_logged_in_person_submits_and_the_co_panelist_is_invited(
    tenant_a, client_a, event, settings, django_capture_on_commit_callbacks
):
    settings.SITE_LINK_PORT = 0
    log_in(client_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post("/schedule/submit/", FORM)

    with tenant_context(tenant_a):
        submission = Submission.objects.get()
        panelists = [
            (p.speaker.email, p.status, p.is_submitter) for p in submission.panelists.all()
        ]
        windows = [
            (w.start.isoformat(), w.end.isoformat()) for w in submission.availabilities.all()
        ]
    assert response.status_code == 302
    assert panelists == [
        (client_a.user.email, "confirmed", True),
        ("kai@example.org", "invited", False),
    ]
    assert windows == [
        ("2031-07-02T14:00:00+00:00", "2031-07-02T22:00:00+00:00"),
        ("2031-07-04T00:00:00+00:00", "2031-07-04T06:00:00+00:00"),
    ]
    (invitation,) = mail.outbox
    assert invitation.to == ["kai@example.org"]
    link = r"https://alpha\.localhost/[\w-]+/schedule/invitation/[\w-]{40,}/"  # the event's
    assert re.search(link, invitation.body)


def test_the_co_panelist_confirms_through_their_link_once(
    tenant_a, client_a, event, django_capture_on_commit_callbacks
):
    log_in(client_a)
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post("/schedule/submit/", FORM)
    link = re.search(r"/schedule/invitation/[\w-]+/", mail.outbox[0].body).group(0)
    kai = UserFactory(email="kai@example.org")
    log_in(client_a, kai)

    answered = client_a.post(link, {"answer": "yes"})
    again = client_a.post(link, {"answer": "yes"})

    with tenant_context(tenant_a):
        panelist = Panelist.objects.get(speaker__email="kai@example.org")
    assert answered.status_code == 302
    assert again.status_code == 404
    assert (panelist.status, panelist.speaker.account_id) == ("confirmed", kai.pk)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("duration", "0", "greater than or equal to 5"),
        ("duration", "416640", "less than or equal to 720"),
        ("availability", "2031-07-02 10:00", "Line 1: write a date and two times"),
        ("availability", "2031-02-30 10:00-11:00", "Line 1: not a real date or time."),
        ("co_panelists", "Kai kai@example.org", "Line 1: write Name <email@example.org>."),
    ],
)
def test_bad_submissions_get_the_form_back_with_a_message(
    tenant_a, client_a, event, field, value, message
):
    log_in(client_a)

    response = client_a.post("/schedule/submit/", FORM | {field: value})

    with tenant_context(tenant_a):
        count = Submission.objects.count()
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert count == 0


def test_availability_outside_the_event_is_refused(tenant_a, client_a, event):
    log_in(client_a)

    response = client_a.post("/schedule/submit/", FORM | {"availability": "2031-08-01 10:00-12:00"})

    assert response.status_code == 400
    assert "is outside the event" in response.content.decode()


def _member(tenant, role):
    user = UserFactory()
    Membership.objects.create(user=user, tenant=tenant, roles=[role])
    return user


def test_a_reviewer_scores_but_cannot_decide_plan_or_release(tenant_a, client_a, event):
    with tenant_context(tenant_a):
        submission = Submission.objects.create(event=event, title="T", description="", duration=60)
    log_in(client_a, _member(tenant_a, Role.SCHEDULE_REVIEWER))

    scored = client_a.post(f"/schedule/manage/{submission.code}/review/", {"score": "4"})
    decided = client_a.post(f"/schedule/manage/{submission.code}/decide/", {"status": "accepted"})
    plan = client_a.get("/schedule/manage/plan/")
    release = client_a.post("/schedule/manage/release/")

    with tenant_context(tenant_a):
        scores = list(Review.objects.values_list("score", flat=True))
        submission.refresh_from_db()
    assert (scored.status_code, decided.status_code, plan.status_code, release.status_code) == (
        302,
        403,
        403,
        403,
    )
    assert scores == [4]
    assert submission.status == "submitted"


def test_the_lead_accepts_places_and_releases_and_panelists_get_their_changes(
    tenant_a, client_a, event, settings, django_capture_on_commit_callbacks
):
    settings.SITE_LINK_PORT = 0
    log_in(client_a)
    client_a.post("/schedule/submit/", FORM | {"co_panelists": ""})
    with tenant_context(tenant_a):
        submission = Submission.objects.get()
        room = event.schedule_rooms.first()
    lead = log_in(client_a, _member(tenant_a, Role.SCHEDULE_LEAD))
    mail.outbox.clear()

    lead.post(
        f"/schedule/manage/{submission.code}/decide/",
        {"status": "accepted", "expected_attendance": "40"},
    )
    placed = lead.post(
        "/schedule/manage/plan/",
        {
            "action": "place",
            "submission": submission.pk,
            "room": room.pk,
            "start": "2031-07-02T14:00",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        released = lead.post("/schedule/manage/release/", {"comment": "First!"})

    with tenant_context(tenant_a):
        release = Release.objects.get()
    (notice,) = mail.outbox
    assert (placed.status_code, released.status_code) == (302, 302)
    assert release.changelog["new"][0]["title"] == "Fursuit Maintenance 101"
    assert "“Fursuit Maintenance 101”: Wed 02 Jul 14:00 in Main Stage." in notice.body
    assert "America/New_York" in notice.body
    assert re.search(r"https://alpha\.localhost/[\w-]+/schedule/speakers/[A-Z0-9]{6}/", notice.body)
    assert (
        client_a.get("/schedule/?day=2031-07-02").content.decode().count("Fursuit Maintenance 101")
        == 1
    )


def test_the_changelog_names_new_moved_and_cancelled_sessions(tenant_a):
    with tenant_context(tenant_a):
        p = make_programme(sessions=3)
        slot_place(
            event=p.event,
            submission_id=p.sessions[0].pk,
            room_id=p.rooms[1].pk,
            start=at(p.event, 3, "12:00"),
        )
        p.sessions[1].status = Submission.Status.DECLINED
        p.sessions[1].save(update_fields=["status"])

        second = release_create(event=p.event, by_id=None)

    assert (second.version, [len(second.changelog[k]) for k in ("new", "moved", "cancelled")]) == (
        2,
        [0, 1, 1],
    )
    assert second.changelog["moved"][0]["before"]["room"] == "Main Stage"
    assert second.changelog["moved"][0]["after"]["room"] == "Room B"


def test_earlier_versions_stay_readable(tenant_a, client_a):
    with tenant_context(tenant_a):
        p = make_programme(sessions=2)
        p.sessions[0].title = "Renamed"
        p.sessions[0].save(update_fields=["title"])
        release_create(event=p.event, by_id=None)

    first = client_a.get("/schedule/versions/1/").content.decode()
    second = client_a.get("/schedule/versions/2/").content.decode()

    assert ("Panel 0" in first, "Renamed" in first) == (True, False)
    assert ("Panel 0" in second, "Renamed" in second) == (False, True)


def test_the_submissions_report_downloads_as_csv_for_the_team_only(tenant_a, client_a, event):
    with tenant_context(tenant_a):
        submission = Submission.objects.create(
            event=event, title="Ünïcödé T", description="", duration=45
        )
        Review.objects.create(submission=submission, reviewer_id=1, score=4)
        Review.objects.create(submission=submission, reviewer_id=2, score=5)
    log_in(client_a)
    refused = client_a.get("/schedule/manage/submissions.csv")
    log_in(client_a, _member(tenant_a, Role.SCHEDULE_REVIEWER))

    response = client_a.get("/schedule/manage/submissions.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert refused.status_code == 403
    assert rows[0][:8] == [
        "Code",
        "Title",
        "Status",
        "Format",
        "Track",
        "Minutes",
        "Average score",
        "Reviews",
    ]
    assert rows[1][1:8] == ["Ünïcödé T", "submitted", "panel", "", "45", "4.50", "2"]
