"""Real threads, each with its own connection, racing for places: the row locks hold."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from event.models import Event
from staff.errors import JobFullError, ShiftOverlapError, ShiftRefusedError
from staff.models import Shift, Volunteer
from staff.services import shift_clock_in, shift_clock_out, shift_sign_up
from tenant.models import Tenant
from tests.concurrency import run_at_once
from tests.factories.staff import DepartmentFactory, JobFactory, VolunteerFactory
from tests.staff.conftest import NOW, at, make_staffing


@pytest.fixture
def alpha(committed):
    """The alpha tenant, outside the test transaction: the threads see what is committed."""
    tenant = Tenant.objects.get(schema_name="alpha")
    yield tenant
    with tenant_context(tenant):
        Volunteer.objects.all().delete()
        Event.objects.all().delete()
    connection.set_schema_to_public()


def test_eight_volunteers_racing_for_three_places_get_exactly_three(alpha):
    with tenant_context(alpha):
        s = make_staffing()
        job = JobFactory(department=s.department, places=3)
        volunteers = [VolunteerFactory(event=s.event) for _ in range(8)]

        def sign_up(volunteer):
            with tenant_context(alpha):
                return shift_sign_up(job_id=job.pk, volunteer_id=volunteer.pk, now=NOW)

        results = run_at_once(sign_up, volunteers)

        with tenant_context(alpha):
            held = Shift.objects.filter(job=job).count()
        assert held == 3
        assert sum(isinstance(r, Shift) for r in results) == 3
        assert sum(isinstance(r, JobFullError) for r in results) == 5


def test_one_person_signing_up_for_two_overlapping_jobs_at_once_gets_one(alpha):
    with tenant_context(alpha):
        s = make_staffing()
        other = DepartmentFactory(event=s.event, name="Security", slug="security")
        jobs = [
            JobFactory(department=s.department, start=at(s.event, 1, "10:00")),
            JobFactory(department=other, start=at(s.event, 1, "11:00")),
        ]
        volunteer = VolunteerFactory(event=s.event)

        def sign_up(job):
            with tenant_context(alpha):
                return shift_sign_up(job_id=job.pk, volunteer_id=volunteer.pk, now=NOW)

        results = run_at_once(sign_up, jobs)

        with tenant_context(alpha):
            held = Shift.objects.filter(volunteer=volunteer).count()
        assert held == 1
        assert sorted(type(r).__name__ for r in results) == ["Shift", "ShiftOverlapError"]
        assert isinstance(next(r for r in results if not isinstance(r, Shift)), ShiftOverlapError)


def test_two_desks_clocking_one_person_out_at_once_record_one_clock_out(alpha):
    with tenant_context(alpha):
        s = make_staffing()
        job = JobFactory(department=s.department, start=at(s.event, 1, "10:00"))
        shift = shift_sign_up(
            job_id=job.pk, volunteer_id=VolunteerFactory(event=s.event).pk, now=NOW
        )
        shift_clock_in(shift_id=shift.pk, at=at(s.event, 1, "10:00"))
        desks = [at(s.event, 1, "12:00"), at(s.event, 1, "12:01")]

        def clock_out(moment):
            with tenant_context(alpha):
                return shift_clock_out(shift_id=shift.pk, at=moment)

        results = run_at_once(clock_out, desks)

        refused = [r for r in results if isinstance(r, ShiftRefusedError)]
        assert sum(isinstance(r, Shift) for r in results) == 1
        assert len(refused) == 1 and "Already clocked out at" in refused[0].message
        with tenant_context(alpha):
            shift.refresh_from_db()
        assert shift.clock_out in desks and shift.status == Shift.Status.WORKED
