"""The heads' working pages: accepting applicants into their own departments (with mail), the
clock-in desk, job templates and the staffing lead's comped staff badges. Another department's
head, a volunteer and another convention see and change nothing."""

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from event.models import BadgeNumberRange
from staff.models import DepartmentMember, Job, Shift, Volunteer
from staff.services import shift_sign_up
from tenant.roles import Role
from tests.factories.register import BadgeLevelFactory
from tests.factories.staff import DepartmentFactory, JobFactory, MemberFactory, VolunteerFactory
from tests.factories.tenant import MembershipFactory
from tests.staff.conftest import NOW, at, log_in, make_staffing

pytestmark = pytest.mark.django_db


def _head_of(department, client, tenant):
    head = log_in(client).user
    with tenant_context(tenant):
        MemberFactory(
            department=department,
            is_head=True,
            volunteer=VolunteerFactory(event=department.event, account=head),
        )
    return client


def _applicant(staffing, *departments, name="Robin Fox", kind=Volunteer.Kind.VOLUNTEER):
    applicant = VolunteerFactory(
        event=staffing.event, name=name, status=Volunteer.Status.APPLIED, kind=kind
    )
    applicant.interests.set(departments)
    return applicant


def test_a_head_accepts_an_applicant_into_their_department_and_the_applicant_is_mailed(
    tenant_a, client_a, staffing, django_capture_on_commit_callbacks
):
    with tenant_context(tenant_a):
        applicant = _applicant(staffing, staffing.department)
        elsewhere = _applicant(
            staffing, DepartmentFactory(event=staffing.event, name="Security"), name="Sam Otter"
        )
    head = _head_of(staffing.department, client_a, tenant_a)

    page = head.get("/volunteer/manage/applications/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        accepted = head.post(
            f"/volunteer/manage/applications/{applicant.pk}/accept/",
            {"department": staffing.department.pk},
        )
    again = head.post(
        f"/volunteer/manage/applications/{applicant.pk}/accept/",
        {"department": staffing.department.pk},
    )

    assert "Robin Fox" in page and "Sam Otter" not in page
    assert accepted.status_code == 302
    assert again.status_code == 404  # no longer an open application
    with tenant_context(tenant_a):
        applicant.refresh_from_db()
        assert applicant.status == "accepted"
        assert DepartmentMember.objects.filter(volunteer=applicant).count() == 1
        assert Volunteer.objects.get(pk=elsewhere.pk).status == "applied"
    (message,) = mail.outbox
    assert "Welcome to Registration" in message.subject
    assert "/volunteer/" in message.body


def test_a_head_cannot_accept_into_or_see_another_department_nor_decline(
    tenant_a, client_a, staffing
):
    with tenant_context(tenant_a):
        security = DepartmentFactory(event=staffing.event, name="Security")
        theirs = _applicant(staffing, security)
        mine = _applicant(staffing, staffing.department, name="Kim Ray")
    head = _head_of(staffing.department, client_a, tenant_a)

    not_mine = head.post(
        f"/volunteer/manage/applications/{theirs.pk}/accept/", {"department": security.pk}
    )
    wrong_department = head.post(
        f"/volunteer/manage/applications/{mine.pk}/accept/", {"department": security.pk}
    )
    decline = head.post(f"/volunteer/manage/applications/{mine.pk}/decline/")

    assert not_mine.status_code == 404
    assert wrong_department.status_code == 400
    assert "Pick one of your departments." in wrong_department.content.decode()
    assert decline.status_code == 403
    with tenant_context(tenant_a):
        assert set(Volunteer.objects.values_list("status", flat=True)) == {"applied", "accepted"}
        assert not DepartmentMember.objects.filter(volunteer__in=[theirs, mine]).exists()


def test_the_staffing_lead_declines_an_application_and_the_applicant_is_told(
    tenant_a, client_a, staffing, django_capture_on_commit_callbacks
):
    with tenant_context(tenant_a):
        applicant = _applicant(staffing, staffing.department)
    log_in(client_a, MembershipFactory(tenant=tenant_a, roles=[Role.STAFF_LEAD]).user)

    with django_capture_on_commit_callbacks(execute=True):
        declined = client_a.post(f"/volunteer/manage/applications/{applicant.pk}/decline/")

    assert declined.status_code == 302
    with tenant_context(tenant_a):
        assert Volunteer.objects.get(pk=applicant.pk).status == "declined"
    assert "Your application to help" in mail.outbox[0].subject


def test_the_clock_desk_clocks_in_and_out_once_and_refuses_a_second_clock_out(
    tenant_a, client_a, staffing
):
    with tenant_context(tenant_a):
        job = JobFactory(department=staffing.department, start=at(staffing.event, 1, "10:00"))
        shift = shift_sign_up(
            job_id=job.pk,
            volunteer_id=VolunteerFactory(event=staffing.event, name="Robin Fox").pk,
            now=NOW,
        )
    head = _head_of(staffing.department, client_a, tenant_a)

    found = head.get("/volunteer/manage/desk/", {"q": "robin", "day": "2031-07-01"})
    early_out = head.post(f"/volunteer/manage/shifts/{shift.pk}/clock/", {"action": "out"})
    clocked_in = head.post(f"/volunteer/manage/shifts/{shift.pk}/clock/", {"action": "in"})
    in_again = head.post(f"/volunteer/manage/shifts/{shift.pk}/clock/", {"action": "in"})
    clocked_out = head.post(f"/volunteer/manage/shifts/{shift.pk}/clock/", {"action": "out"})
    out_again = head.post(f"/volunteer/manage/shifts/{shift.pk}/clock/", {"action": "out"})
    nonsense = head.post(f"/volunteer/manage/shifts/{shift.pk}/clock/", {"action": "nap"})

    assert f'data-shift="{shift.pk}"' in found.content.decode()
    assert early_out.status_code == 400 and "Clock in first." in early_out.content.decode()
    assert clocked_in.status_code == clocked_out.status_code == 302
    assert in_again.status_code == 400 and "Already clocked in at" in in_again.content.decode()
    assert out_again.status_code == 400 and "Already clocked out at" in out_again.content.decode()
    assert nonsense.status_code == 400
    with tenant_context(tenant_a):
        shift.refresh_from_db()
        assert shift.status == Shift.Status.WORKED and shift.clock_out > shift.clock_in


def test_the_clock_desk_finds_only_the_heads_departments_shifts(tenant_a, client_a, staffing):
    with tenant_context(tenant_a):
        other = JobFactory(
            department__event=staffing.event, name="Guarding", start=at(staffing.event, 1, "10:00")
        )
        theirs = shift_sign_up(
            job_id=other.pk,
            volunteer_id=VolunteerFactory(event=staffing.event, name="Robin Fox").pk,
            now=NOW,
        )
    head = _head_of(staffing.department, client_a, tenant_a)

    found = head.get("/volunteer/manage/desk/", {"q": "Robin", "day": "2031-07-01"})
    clock = head.post(f"/volunteer/manage/shifts/{theirs.pk}/clock/", {"action": "in"})

    assert "Guarding" not in found.content.decode()
    assert clock.status_code == 404
    with tenant_context(tenant_a):
        assert Shift.objects.get(pk=theirs.pk).clock_in is None


def test_a_job_template_makes_the_days_slots_once(tenant_a, client_a, staffing):
    head = _head_of(staffing.department, client_a, tenant_a)
    template = {
        "department": staffing.department.pk,
        "name": "Registration desk",
        "first": "08:00",
        "last": "22:00",
        "every_minutes": 120,
        "places": 4,
        "weight": "1.0",
        "visibility": "all",
        "day": "2031-07-01",
    }

    made = head.post("/volunteer/manage/templates/", template, follow=True)
    again = head.post("/volunteer/manage/templates/", template, follow=True)
    backwards = head.post("/volunteer/manage/templates/", {**template, "last": "07:00"})
    not_a_day = head.post("/volunteer/manage/templates/", {**template, "day": "2031-09-09"})

    assert "7 slots of Registration desk made" in made.content.decode()
    assert "0 slots of Registration desk made" in again.content.decode()
    assert backwards.status_code == 400 and "must end after" in backwards.content.decode()
    assert not_a_day.status_code == 400
    with tenant_context(tenant_a):
        jobs = Job.objects.filter(name="Registration desk").order_by("start")
        assert jobs.count() == 7 and {j.places for j in jobs} == {4}
        assert jobs.first().start == at(staffing.event, 1, "08:00")


def test_a_head_cannot_make_slots_in_another_department(tenant_a, client_a, staffing):
    with tenant_context(tenant_a):
        security = DepartmentFactory(event=staffing.event, name="Security")
    head = _head_of(staffing.department, client_a, tenant_a)

    refused = head.post(
        "/volunteer/manage/templates/",
        {
            "department": security.pk,
            "name": "Patrol",
            "first": "08:00",
            "last": "12:00",
            "every_minutes": 60,
            "places": 2,
            "weight": "1.0",
            "visibility": "all",
        },
    )

    assert refused.status_code == 400
    with tenant_context(tenant_a):
        assert not Job.objects.filter(name="Patrol").exists()


def test_the_staffing_lead_gives_a_comped_badge_on_the_page(tenant_a, client_a, staffing):
    with tenant_context(tenant_a):
        BadgeNumberRange.objects.create(
            event=staffing.event, kind="staff", first_number=1, last_number=199
        )
        level = BadgeLevelFactory(event=staffing.event, name="Staff", badge_kind="staff")
        staff = VolunteerFactory(event=staffing.event, kind=Volunteer.Kind.STAFF, name="Kim Ray")
    log_in(client_a, MembershipFactory(tenant=tenant_a, roles=[Role.STAFF_LEAD]).user)
    prefix = f"v{staff.pk}"

    page = client_a.get("/volunteer/manage/badges/").content.decode()
    missing = client_a.post(
        "/volunteer/manage/badges/", {"volunteer": staff.pk, f"{prefix}-level": level.pk}
    )
    given = client_a.post(
        "/volunteer/manage/badges/",
        {
            "volunteer": staff.pk,
            f"{prefix}-level": level.pk,
            f"{prefix}-birthdate": "1990-05-17",
            f"{prefix}-phone": "+1 215 555 0100",
        },
        follow=True,
    )

    assert "Kim Ray" in page
    assert missing.status_code == 400 and "This field is required." in missing.content.decode()
    assert "Kim Ray has staff badge #1." in given.content.decode()
    with tenant_context(tenant_a):
        assert Volunteer.objects.get(pk=staff.pk).registration.badge_number == 1


def test_only_the_staffing_lead_gives_staff_badges(tenant_a, client_a, staffing):
    _head_of(staffing.department, client_a, tenant_a)

    assert client_a.get("/volunteer/manage/badges/").status_code == 403
    assert client_a.post("/volunteer/manage/badges/", {"volunteer": 1}).status_code == 403


def test_another_conventions_head_pages_know_nothing_of_alpha(
    tenant_a, tenant_b, client_a, client_b, staffing
):
    with tenant_context(tenant_a):
        applicant = _applicant(staffing, staffing.department)
        job = JobFactory(department=staffing.department, start=at(staffing.event, 1, "10:00"))
        shift = shift_sign_up(
            job_id=job.pk, volunteer_id=VolunteerFactory(event=staffing.event).pk, now=NOW
        )
    with tenant_context(tenant_b):
        beta = make_staffing("Beta Con")
    beta_head = _head_of(beta.department, client_b, tenant_b)

    accept = beta_head.post(
        f"/volunteer/manage/applications/{applicant.pk}/accept/",
        {"department": staffing.department.pk},
    )
    clock = beta_head.post(f"/volunteer/manage/shifts/{shift.pk}/clock/", {"action": "in"})
    listing = beta_head.get("/volunteer/manage/applications/").content.decode()

    assert accept.status_code == 404 and clock.status_code == 404
    assert "Robin Fox" not in listing
    with tenant_context(tenant_a):
        assert Volunteer.objects.get(pk=applicant.pk).status == "applied"
        assert Shift.objects.get(pk=shift.pk).clock_in is None
