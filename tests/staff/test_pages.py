"""The staffing pages: the board, signing up, My shifts, the feed, and the heads' pages. Bad
input answers 4xx with a message and writes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from icalendar import Calendar

from staff.models import Job, RewardThreshold, Shift, Volunteer
from staff.services import shift_mark, shift_sign_up
from tenant.roles import Role
from tests.factories.staff import JobFactory, MemberFactory, VolunteerFactory
from tests.factories.tenant import MembershipFactory
from tests.staff.conftest import NOW, at, log_in

pytestmark = pytest.mark.django_db


def _volunteer(tenant, staffing, client):
    person = log_in(client).user
    with tenant_context(tenant):
        return VolunteerFactory(event=staffing.event, account=person)


def test_the_board_lists_a_days_jobs_with_places_left(tenant_a, client_a, staffing):
    with tenant_context(tenant_a):
        JobFactory(
            department=staffing.department,
            name="Badge desk",
            places=4,
            start=at(staffing.event, 1, "10:00"),
        )
        JobFactory(
            department=staffing.department, name="Day two", start=at(staffing.event, 2, "10:00")
        )
        JobFactory(
            department=staffing.department,
            name="Members only",
            visibility=Job.Visibility.MEMBERS,
            start=at(staffing.event, 1, "12:00"),
        )

    page = client_a.get("/volunteer/?day=2031-07-01").content.decode()

    assert "Badge desk" in page
    assert "0 / 4" not in page and "4 / 4" in page
    assert "Day two" not in page
    assert "Members only" not in page


def test_a_volunteer_signs_up_on_the_board_and_sees_it_in_my_shifts(tenant_a, client_a, staffing):
    volunteer = _volunteer(tenant_a, staffing, client_a)
    with tenant_context(tenant_a):
        job = JobFactory(
            department=staffing.department, name="Badge desk", start=at(staffing.event, 1, "10:00")
        )

    response = client_a.post(f"/volunteer/jobs/{job.pk}/sign-up/", follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert "You are on Badge desk. Thank you!" in page
    assert "Tue 1 Jul 10:00–12:00" in page
    with tenant_context(tenant_a):
        assert list(Shift.objects.values_list("volunteer_id", flat=True)) == [volunteer.pk]


def test_signing_up_for_a_full_job_answers_409_with_a_message(tenant_a, client_a, staffing):
    _volunteer(tenant_a, staffing, client_a)
    with tenant_context(tenant_a):
        job = JobFactory(department=staffing.department, places=1)
        shift_sign_up(
            job_id=job.pk, volunteer_id=VolunteerFactory(event=staffing.event).pk, now=NOW
        )

    response = client_a.post(f"/volunteer/jobs/{job.pk}/sign-up/")

    assert response.status_code == 409
    assert "This shift is full: pick another one." in response.content.decode()
    with tenant_context(tenant_a):
        assert Shift.objects.count() == 1


def test_signing_up_without_applying_or_for_no_job_is_a_4xx(tenant_a, client_a, staffing):
    log_in(client_a)
    with tenant_context(tenant_a):
        job = JobFactory(department=staffing.department)

    assert client_a.post(f"/volunteer/jobs/{job.pk}/sign-up/").status_code == 400
    _volunteer(tenant_a, staffing, client_a)
    missing = client_a.post("/volunteer/jobs/999999/sign-up/")
    assert missing.status_code == 400
    assert "This shift no longer exists." in missing.content.decode()


def test_dropping_after_the_cut_off_answers_400_and_keeps_the_shift(tenant_a, client_a, staffing):
    volunteer = _volunteer(tenant_a, staffing, client_a)
    with tenant_context(tenant_a):
        soon = timezone.now() + dt.timedelta(hours=3)  # the cut-off is 24 h before
        job = JobFactory(department=staffing.department, start=soon)
        shift = shift_sign_up(job_id=job.pk, volunteer_id=volunteer.pk)

    response = client_a.post(f"/volunteer/shifts/{shift.pk}/drop/")

    assert response.status_code == 400
    assert (
        "too late to drop this shift online: ask your department head" in response.content.decode()
    )
    with tenant_context(tenant_a):
        assert Shift.objects.filter(pk=shift.pk).exists()


def test_a_volunteer_drops_a_shift_before_the_cut_off(tenant_a, client_a, staffing):
    volunteer = _volunteer(tenant_a, staffing, client_a)
    with tenant_context(tenant_a):
        shift = shift_sign_up(
            job_id=JobFactory(department=staffing.department).pk, volunteer_id=volunteer.pk, now=NOW
        )

    response = client_a.post(f"/volunteer/shifts/{shift.pk}/drop/", follow=True)

    assert "Shift dropped" in response.content.decode()
    with tenant_context(tenant_a):
        assert Shift.objects.count() == 0


def test_swap_from_my_shifts_through_the_board(tenant_a, client_a, staffing):
    volunteer = _volunteer(tenant_a, staffing, client_a)
    with tenant_context(tenant_a):
        old = JobFactory(
            department=staffing.department, name="Early", start=at(staffing.event, 1, "08:00")
        )
        new = JobFactory(
            department=staffing.department, name="Late", start=at(staffing.event, 1, "16:00")
        )
        shift = shift_sign_up(job_id=old.pk, volunteer_id=volunteer.pk, now=NOW)

    board = client_a.get(f"/volunteer/?day=2031-07-01&swap={shift.pk}").content.decode()
    assert "Swap into this" in board
    response = client_a.post(f"/volunteer/shifts/{shift.pk}/swap/", {"job": new.pk}, follow=True)

    assert "Swapped: you are now on Late." in response.content.decode()
    with tenant_context(tenant_a):
        assert list(Shift.objects.values_list("job_id", flat=True)) == [new.pk]
    assert client_a.post(f"/volunteer/shifts/{shift.pk}/swap/", {"job": "x"}).status_code == 400


def test_my_shifts_shows_hours_apart_and_reward_progress(tenant_a, client_a, staffing):
    volunteer = _volunteer(tenant_a, staffing, client_a)
    with tenant_context(tenant_a):
        RewardThreshold.objects.create(event=staffing.event, hours=Decimal(6), name="Staff shirt")
        worked = shift_sign_up(
            job_id=JobFactory(
                department=staffing.department, start=at(staffing.event, 1, "10:00")
            ).pk,
            volunteer_id=volunteer.pk,
            now=NOW,
        )
        shift_sign_up(
            job_id=JobFactory(
                department=staffing.department, start=at(staffing.event, 2, "10:00")
            ).pk,
            volunteer_id=volunteer.pk,
            now=NOW,
        )
        shift_mark(shift_id=worked.pk, status=Shift.Status.WORKED)

    page = client_a.get("/volunteer/mine/").content.decode()

    assert "Signed up (weighted, still to work)</dt><dd>2.0 h" in page
    assert "Worked (weighted)</dt><dd>2.0 h" in page
    assert 'Staff shirt (6.0 h) <progress max="100" value="33">' in page


def test_the_application_form_asks_again_without_an_emergency_contact(tenant_a, client_a, staffing):
    log_in(client_a)

    bad = client_a.post("/volunteer/apply/", {"availability": "Sat"})
    good = client_a.post(
        "/volunteer/apply/",
        {"emergency_contact": "Sam 555", "shirt_size": "M", "interests": [staffing.department.pk]},
    )

    assert bad.status_code == 400
    assert "This field is required." in bad.content.decode()
    assert good.status_code == 302
    with tenant_context(tenant_a):
        volunteer = Volunteer.objects.get()
        assert (volunteer.status, volunteer.shirt_size) == ("applied", "M")


def test_the_calendar_feed_lists_my_shifts_and_a_new_link_withdraws_the_old(
    tenant_a, client_a, staffing
):
    volunteer = _volunteer(tenant_a, staffing, client_a)
    with tenant_context(tenant_a):
        shift_sign_up(
            job_id=JobFactory(department=staffing.department, name="Badge desk").pk,
            volunteer_id=volunteer.pk,
            now=NOW,
        )
    client_a.post("/volunteer/mine/feed-link/")
    page = client_a.get("/volunteer/mine/").content.decode()
    link = page.split("<code>")[1].split("</code>")[0]
    path = link.split("alpha.localhost", 1)[1].split("/", 1)[1]

    feed = client_a.get("/" + path)
    client_a.post("/volunteer/mine/feed-link/")

    assert feed.status_code == 200
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Badge desk (Registration)"]
    assert client_a.get("/" + path).status_code == 404


def test_heads_pages_are_closed_to_volunteers(tenant_a, client_a, staffing):
    _volunteer(tenant_a, staffing, client_a)

    assert client_a.get("/volunteer/manage/").status_code == 403
    assert client_a.get("/volunteer/manage/coverage/").status_code == 403
    assert client_a.get("/volunteer/manage/hours.csv").status_code == 403


def test_a_head_sees_coverage_at_risk_and_the_sign_in_sheet_of_their_department_only(
    tenant_a, client_a, staffing
):
    head = log_in(client_a).user
    with tenant_context(tenant_a):
        MemberFactory(
            department=staffing.department,
            is_head=True,
            volunteer=VolunteerFactory(event=staffing.event, account=head),
        )
        mine = JobFactory(
            department=staffing.department,
            name="Badge desk",
            places=3,
            start=at(staffing.event, 1, "10:00"),
        )
        shift_sign_up(
            job_id=mine.pk,
            volunteer_id=VolunteerFactory(event=staffing.event, name="Robin Fox").pk,
            now=NOW,
        )
        other = JobFactory(
            name="Other department's job",
            start=at(staffing.event, 1, "10:00"),
            department__event=staffing.event,
        )

    manage = client_a.get("/volunteer/manage/").content.decode()
    coverage = client_a.get("/volunteer/manage/coverage/?day=2031-07-01").content.decode()
    sheet = client_a.get(f"/volunteer/manage/jobs/{mine.pk}/sign-in/").content.decode()

    assert "Badge desk" in manage and "Other department" not in manage
    assert "<td>10:00</td><td>1 / 3</td>" in coverage
    assert "<td>11:00</td><td>1 / 3</td>" in coverage
    assert "Robin Fox" in sheet
    assert client_a.get(f"/volunteer/manage/jobs/{other.pk}/sign-in/").status_code == 404
    assert client_a.get("/volunteer/manage/?department=abc").status_code == 404


def test_a_head_marks_a_no_show_on_the_sheet(tenant_a, client_a, staffing):
    head = log_in(client_a).user
    with tenant_context(tenant_a):
        MemberFactory(
            department=staffing.department,
            is_head=True,
            volunteer=VolunteerFactory(event=staffing.event, account=head),
        )
        job = JobFactory(department=staffing.department)
        shift = shift_sign_up(
            job_id=job.pk, volunteer_id=VolunteerFactory(event=staffing.event).pk, now=NOW
        )

    bad = client_a.post(f"/volunteer/manage/shifts/{shift.pk}/mark/", {"status": "asleep"})
    client_a.post(f"/volunteer/manage/shifts/{shift.pk}/mark/", {"status": "no_show"})

    assert bad.status_code == 400
    with tenant_context(tenant_a):
        assert Shift.objects.get().status == "no_show"
    at_risk = client_a.get("/volunteer/manage/").content.decode()
    assert job.name in at_risk


def test_the_staffing_lead_downloads_hours_and_rewards(tenant_a, client_a, staffing):
    lead = MembershipFactory(tenant=tenant_a, roles=[Role.STAFF_LEAD]).user
    log_in(client_a, lead)
    with tenant_context(tenant_a):
        RewardThreshold.objects.create(event=staffing.event, hours=Decimal(2), name="Meal")
        volunteer = VolunteerFactory(event=staffing.event, name="=Robin")
        shift = shift_sign_up(
            job_id=JobFactory(department=staffing.department, weight="1.5").pk,
            volunteer_id=volunteer.pk,
            now=NOW,
        )
        shift_mark(shift_id=shift.pk, status=Shift.Status.WORKED)

    response = client_a.get("/volunteer/manage/hours.csv")

    assert response.status_code == 200
    assert response.content.decode().splitlines() == [
        "name,kind,department,hours_signed_up,hours_worked,rewards_earned",
        "'=Robin,volunteer,Registration,0.0,3.0,Meal",
    ]
