"""The shift rules: places, overlaps, consecutive hours, roles, visibility, past and cut-off;
hours signed up vs worked; templates."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from staff.errors import (
    DropCutoffError,
    JobFullError,
    MissingRoleError,
    NotAllowedError,
    ShiftInPastError,
    ShiftOverlapError,
    TooManyHoursError,
)
from staff.models import Job, RewardThreshold, Shift, Volunteer
from staff.selectors import hours_of, reward_progress, shifts_of_volunteer
from staff.services import (
    job_move,
    jobs_generate,
    role_grant,
    shift_assign,
    shift_clock_in,
    shift_clock_out,
    shift_drop,
    shift_mark,
    shift_sign_up,
    shift_swap,
    volunteer_accept,
    volunteer_apply,
)
from tenant.models import User
from tests.factories.staff import (
    DepartmentFactory,
    DepartmentRoleFactory,
    JobFactory,
    MemberFactory,
    VolunteerFactory,
)
from tests.factories.tenant import UserFactory
from tests.staff.conftest import NOW, at

pytestmark = pytest.mark.django_db


def test_sign_up_takes_a_place(tenant_a, staffing):
    with tenant_context(tenant_a):
        job = JobFactory(department=staffing.department, start=at(staffing.event, 1, "10:00"))
        volunteer = VolunteerFactory(event=staffing.event)

        shift = shift_sign_up(job_id=job.pk, volunteer_id=volunteer.pk, now=NOW)

        assert shift.status == Shift.Status.SIGNED_UP
        assert list(job.shifts.values_list("volunteer_id", flat=True)) == [volunteer.pk]


def test_sign_up_for_a_full_job_is_refused(tenant_a, staffing):
    with tenant_context(tenant_a):
        job = JobFactory(department=staffing.department, places=1)
        shift_sign_up(
            job_id=job.pk, volunteer_id=VolunteerFactory(event=staffing.event).pk, now=NOW
        )
        late = VolunteerFactory(event=staffing.event)

        with pytest.raises(JobFullError, match="This shift is full"):
            shift_sign_up(job_id=job.pk, volunteer_id=late.pk, now=NOW)

        assert job.shifts.count() == 1


def test_overlapping_sign_up_names_the_clash(tenant_a, staffing):
    with tenant_context(tenant_a):
        event = staffing.event
        first = JobFactory(department=staffing.department, name="Desk", start=at(event, 1, "10:00"))
        other = DepartmentFactory(event=event, name="Security", slug="security")
        second = JobFactory(department=other, name="Door", start=at(event, 1, "11:00"))
        volunteer = VolunteerFactory(event=event)
        shift_sign_up(job_id=first.pk, volunteer_id=volunteer.pk, now=NOW)

        with pytest.raises(ShiftOverlapError) as refused:
            shift_sign_up(job_id=second.pk, volunteer_id=volunteer.pk, now=NOW)

        assert refused.value.message == (
            "This shift overlaps your shift Desk (Registration, Tue 01 Jul 10:00–12:00): "
            "drop that one first or pick another."
        )
        assert Shift.objects.filter(volunteer=volunteer).count() == 1


def test_back_to_back_shifts_do_not_overlap(tenant_a, staffing):
    with tenant_context(tenant_a):
        event = staffing.event
        a = JobFactory(department=staffing.department, start=at(event, 1, "10:00"))
        b = JobFactory(department=staffing.department, start=at(event, 1, "12:00"))
        volunteer = VolunteerFactory(event=event)

        shift_sign_up(job_id=a.pk, volunteer_id=volunteer.pk, now=NOW)
        shift_sign_up(job_id=b.pk, volunteer_id=volunteer.pk, now=NOW)

        assert Shift.objects.filter(volunteer=volunteer).count() == 2


def test_consecutive_hours_over_the_department_cap_are_refused(tenant_a, staffing):
    with tenant_context(tenant_a):
        event = staffing.event
        staffing.department.max_consecutive_hours = 4
        staffing.department.save(update_fields=["max_consecutive_hours"])
        jobs = [
            JobFactory(department=staffing.department, start=at(event, 1, clock))
            for clock in ("10:00", "12:00", "14:00")
        ]
        volunteer = VolunteerFactory(event=event)
        shift_sign_up(job_id=jobs[0].pk, volunteer_id=volunteer.pk, now=NOW)
        shift_sign_up(job_id=jobs[1].pk, volunteer_id=volunteer.pk, now=NOW)

        with pytest.raises(TooManyHoursError, match="6 hours in a row in Registration"):
            shift_sign_up(job_id=jobs[2].pk, volunteer_id=volunteer.pk, now=NOW)


def test_a_shift_needing_a_role_takes_only_holders(tenant_a, staffing):
    with tenant_context(tenant_a):
        role = DepartmentRoleFactory(department=staffing.department, name="Radio certified")
        job = JobFactory(department=staffing.department)
        job.required_roles.set([role])
        uncertified = VolunteerFactory(event=staffing.event)
        certified = VolunteerFactory(event=staffing.event)
        role_grant(role=role, volunteer_id=certified.pk)

        with pytest.raises(MissingRoleError, match="needs Radio certified"):
            shift_sign_up(job_id=job.pk, volunteer_id=uncertified.pk, now=NOW)
        shift_sign_up(job_id=job.pk, volunteer_id=certified.pk, now=NOW)

        assert list(job.shifts.values_list("volunteer_id", flat=True)) == [certified.pk]


def test_members_only_job_refuses_others_but_a_head_may_assign(
    tenant_a, staffing, django_capture_on_commit_callbacks
):
    with tenant_context(tenant_a):
        job = JobFactory(department=staffing.department, visibility=Job.Visibility.MEMBERS)
        outsider = VolunteerFactory(event=staffing.event)
        member = MemberFactory(department=staffing.department).volunteer

        with pytest.raises(NotAllowedError, match="for members of Registration"):
            shift_sign_up(job_id=job.pk, volunteer_id=outsider.pk, now=NOW)
        shift_sign_up(job_id=job.pk, volunteer_id=member.pk, now=NOW)
        with django_capture_on_commit_callbacks(execute=True):
            shift_assign(job_id=job.pk, volunteer_id=outsider.pk, now=NOW)

        assert job.shifts.count() == 2
        assert [m.subject for m in mail.outbox] == [f"You have a new shift: {job.name}"]


def test_an_applicant_not_yet_accepted_cannot_sign_up(tenant_a, staffing):
    with tenant_context(tenant_a):
        job = JobFactory(department=staffing.department)
        applicant = VolunteerFactory(event=staffing.event, status=Volunteer.Status.APPLIED)

        with pytest.raises(NotAllowedError, match="not been accepted yet"):
            shift_sign_up(job_id=job.pk, volunteer_id=applicant.pk, now=NOW)


def test_a_started_shift_cannot_be_taken(tenant_a, staffing):
    with tenant_context(tenant_a):
        job = JobFactory(department=staffing.department)
        volunteer = VolunteerFactory(event=staffing.event)

        with pytest.raises(ShiftInPastError, match="already started"):
            shift_sign_up(job_id=job.pk, volunteer_id=volunteer.pk, now=job.start)


def test_drop_before_the_cut_off_frees_the_place_and_after_it_is_refused(tenant_a, staffing):
    with tenant_context(tenant_a):
        job = JobFactory(department=staffing.department)
        volunteer = VolunteerFactory(event=staffing.event)
        shift = shift_sign_up(job_id=job.pk, volunteer_id=volunteer.pk, now=NOW)

        with pytest.raises(DropCutoffError, match="too late to drop"):
            shift_drop(
                shift_id=shift.pk, volunteer_id=volunteer.pk, now=job.start - dt.timedelta(hours=2)
            )
        assert job.shifts.count() == 1

        shift_drop(shift_id=shift.pk, volunteer_id=volunteer.pk, now=NOW)
        assert job.shifts.count() == 0


def test_a_volunteer_cannot_drop_someone_elses_shift(tenant_a, staffing):
    with tenant_context(tenant_a):
        job = JobFactory(department=staffing.department)
        holder = VolunteerFactory(event=staffing.event)
        shift = shift_sign_up(job_id=job.pk, volunteer_id=holder.pk, now=NOW)
        other = VolunteerFactory(event=staffing.event)

        with pytest.raises(Exception, match="You do not hold this shift"):
            shift_drop(shift_id=shift.pk, volunteer_id=other.pk, now=NOW)
        assert job.shifts.count() == 1


def test_swap_trades_the_shift_or_keeps_the_old_one(tenant_a, staffing):
    with tenant_context(tenant_a):
        event = staffing.event
        old = JobFactory(department=staffing.department, start=at(event, 1, "10:00"))
        new = JobFactory(department=staffing.department, start=at(event, 1, "11:00"), places=1)
        full = JobFactory(department=staffing.department, start=at(event, 2, "10:00"), places=1)
        volunteer = VolunteerFactory(event=event)
        shift_sign_up(job_id=full.pk, volunteer_id=VolunteerFactory(event=event).pk, now=NOW)
        shift = shift_sign_up(job_id=old.pk, volunteer_id=volunteer.pk, now=NOW)

        with pytest.raises(JobFullError):
            shift_swap(shift_id=shift.pk, job_id=full.pk, volunteer_id=volunteer.pk, now=NOW)
        assert list(shifts_of_volunteer(volunteer=volunteer).values_list("job", flat=True)) == [
            old.pk
        ]

        # The new job overlaps the old one: a swap ignores the shift it gives back.
        shift_swap(shift_id=shift.pk, job_id=new.pk, volunteer_id=volunteer.pk, now=NOW)
        assert list(shifts_of_volunteer(volunteer=volunteer).values_list("job", flat=True)) == [
            new.pk
        ]


def test_hours_signed_up_and_worked_are_kept_apart_and_weighted(tenant_a, staffing):
    with tenant_context(tenant_a):
        event = staffing.event
        RewardThreshold.objects.create(event=event, hours=Decimal(3), name="Shirt")
        RewardThreshold.objects.create(event=event, hours=Decimal(12), name="Meals")
        night = JobFactory(
            department=staffing.department, start=at(event, 1, "22:00"), weight="1.5"
        )
        day = JobFactory(department=staffing.department, start=at(event, 2, "10:00"))
        later = JobFactory(department=staffing.department, start=at(event, 3, "10:00"))
        volunteer = VolunteerFactory(event=event)
        worked = shift_sign_up(job_id=night.pk, volunteer_id=volunteer.pk, now=NOW)
        clocked = shift_sign_up(job_id=day.pk, volunteer_id=volunteer.pk, now=NOW)
        shift_sign_up(job_id=later.pk, volunteer_id=volunteer.pk, now=NOW)
        shift_mark(shift_id=worked.pk, status=Shift.Status.WORKED)
        shift_clock_in(shift_id=clocked.pk, at=day.start + dt.timedelta(minutes=30))
        shift_clock_out(shift_id=clocked.pk, at=day.end)

        hours = hours_of(list(shifts_of_volunteer(volunteer=volunteer)))
        progress = reward_progress(event=event, worked=hours.worked)

        assert hours.signed_up == Decimal("2.0")  # the later 2 h shift, not yet worked
        assert hours.worked == Decimal("4.5")  # 2 h × 1.5 + 1.5 h clocked
        assert [(p.name, p.earned, p.percent) for p in progress] == [
            ("Shirt", True, 100),
            ("Meals", False, 37),
        ]


def test_a_no_show_counts_no_hours(tenant_a, staffing):
    with tenant_context(tenant_a):
        job = JobFactory(department=staffing.department)
        volunteer = VolunteerFactory(event=staffing.event)
        shift = shift_sign_up(job_id=job.pk, volunteer_id=volunteer.pk, now=NOW)

        shift_mark(shift_id=shift.pk, status=Shift.Status.NO_SHOW)

        hours = hours_of(list(shifts_of_volunteer(volunteer=volunteer)))
        assert (hours.signed_up, hours.worked) == (Decimal("0.0"), Decimal("0.0"))


def test_a_template_generates_the_whole_events_slots_once(tenant_a, staffing):
    with tenant_context(tenant_a):
        made = jobs_generate(
            department=staffing.department,
            name="Registration desk",
            first=dt.time(8),
            last=dt.time(22),
            every_minutes=120,
            places=4,
        )
        again = jobs_generate(
            department=staffing.department,
            name="Registration desk",
            first=dt.time(8),
            last=dt.time(22),
            every_minutes=120,
            places=4,
        )

        assert len(made) == 3 * 7
        assert again == []
        first = Job.objects.order_by("start").first()
        assert first.start == at(staffing.event, 1, "08:00")
        assert first.places == 4


def test_moving_a_job_mails_its_holders(tenant_a, staffing, django_capture_on_commit_callbacks):
    with tenant_context(tenant_a):
        job = JobFactory(department=staffing.department, name="Desk")
        volunteer = VolunteerFactory(event=staffing.event)
        shift_sign_up(job_id=job.pk, volunteer_id=volunteer.pk, now=NOW)

        with django_capture_on_commit_callbacks(execute=True):
            job_move(job_id=job.pk, start=job.start + dt.timedelta(hours=1), end=job.end)

        (message,) = mail.outbox
        assert message.subject == "Your shift Desk has changed"
        assert "Tue 1 Jul 07:00–08:00" in message.body  # 11:00–12:00 UTC in New York
        assert message.to == [User.objects.get(pk=volunteer.account_id).email]
        assert "alpha.localhost" in message.body
        assert "/volunteer/mine/" in message.body


def test_apply_then_accept_into_a_department(tenant_a, staffing):
    with tenant_context(tenant_a):
        account = UserFactory(full_name="Robin Fox")
        volunteer = volunteer_apply(
            event=staffing.event,
            account=account,
            availability="Saturday",
            shirt_size="M",
            emergency_contact="Sam, +1 555 0100",
            interests=[staffing.department],
        )
        assert volunteer.status == Volunteer.Status.APPLIED

        member = volunteer_accept(volunteer_id=volunteer.pk, department=staffing.department)

        volunteer.refresh_from_db()
        assert volunteer.status == Volunteer.Status.ACCEPTED
        assert volunteer.name == "Robin Fox"
        assert member.department == staffing.department
        assert list(volunteer.interests.all()) == [staffing.department]
