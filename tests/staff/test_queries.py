"""The shift board and the coverage page cost a bounded number of queries, whatever the number
of jobs and shifts (stated in each test)."""

import datetime as dt

import pytest
from django_tenants.utils import tenant_context

from staff.models import Job, Shift, Volunteer
from tests.factories.staff import MemberFactory, VolunteerFactory
from tests.staff.conftest import at, log_in

pytestmark = pytest.mark.django_db


def _fill(staffing, *, jobs: int, places: int) -> None:
    """``jobs`` jobs of ``places`` places on day 1, every place held (jobs × places shifts)."""
    event = staffing.event
    made = Job.objects.bulk_create(
        Job(
            department=staffing.department,
            name=f"Job {n}",
            start=at(event, 1, "06:00") + dt.timedelta(minutes=5 * n),
            end=at(event, 1, "08:00") + dt.timedelta(minutes=5 * n),
            places=places,
        )
        for n in range(jobs)
    )
    volunteers = Volunteer.objects.bulk_create(
        Volunteer(event=event, account_id=10_000_000 + n, name=f"V{n}", emergency_contact="x")
        for n in range(places)
    )
    Shift.objects.bulk_create(Shift(job=j, volunteer=v) for j in made for v in volunteers)


@pytest.mark.parametrize(("jobs", "places"), [(1, 1), (3, 1), (200, 10)])
def test_the_shift_board_costs_the_same_queries_for_1_3_and_2000_shifts(
    tenant_a, client_a, staffing, django_assert_num_queries, warm_routes, jobs, places
):
    person = log_in(client_a).user
    with tenant_context(tenant_a):
        VolunteerFactory(event=staffing.event, account=person)
        _fill(staffing, jobs=jobs, places=places)
    warm_routes(client_a)

    # The session and its account, the active event, the visitor's volunteer record and their
    # departments, the jobs with places taken, their required roles, the visitor's held jobs,
    # the departments for the filter, the front's branding and pages: 11.
    with django_assert_num_queries(11):
        response = client_a.get(f"/{staffing.event.slug}/volunteer/?day=2031-07-01")

    assert response.status_code == 200
    assert response.content.decode().count("Full") == jobs


@pytest.mark.parametrize(("jobs", "places"), [(1, 1), (3, 1), (200, 10)])
def test_the_coverage_page_costs_the_same_queries_for_1_3_and_2000_shifts(
    tenant_a, client_a, staffing, django_assert_num_queries, warm_routes, jobs, places
):
    head = log_in(client_a).user
    with tenant_context(tenant_a):
        MemberFactory(
            department=staffing.department,
            is_head=True,
            volunteer=VolunteerFactory(event=staffing.event, account=head),
        )
        _fill(staffing, jobs=jobs, places=places)
    warm_routes(client_a)

    # The session and its account, their membership (the staffing role), the active event, the
    # departments they head and the department tree, whether any, the jobs with places filled
    # (one aggregate), the front's branding and pages: 10.
    with django_assert_num_queries(10):
        response = client_a.get(f"/{staffing.event.slug}/volunteer/manage/coverage/?day=2031-07-01")

    assert response.status_code == 200


@pytest.mark.parametrize("shifts", [1, 3, 12])
def test_my_shifts_costs_the_same_queries_for_1_3_and_12_shifts(
    tenant_a, client_a, staffing, django_assert_num_queries, warm_routes, shifts
):
    person = log_in(client_a).user
    with tenant_context(tenant_a):
        volunteer = VolunteerFactory(event=staffing.event, account=person)
        jobs = Job.objects.bulk_create(
            Job(
                department=staffing.department,
                name=f"Job {n}",
                start=at(staffing.event, 1, "06:00") + dt.timedelta(hours=2 * n),
                end=at(staffing.event, 1, "08:00") + dt.timedelta(hours=2 * n),
            )
            for n in range(shifts)
        )
        Shift.objects.bulk_create(Shift(job=j, volunteer=volunteer) for j in jobs)
    warm_routes(client_a)

    # The session and its account, the active event, the volunteer, their shifts with jobs and
    # departments, the cut-off setting, the reward thresholds, the front's branding and pages.
    with django_assert_num_queries(9):
        response = client_a.get(f"/{staffing.event.slug}/volunteer/mine/")

    assert response.content.decode().count("Drop</button>") == shifts


def _head(client, staffing):
    head = log_in(client).user
    MemberFactory(
        department=staffing.department,
        is_head=True,
        volunteer=VolunteerFactory(event=staffing.event, account=head),
    )


@pytest.mark.parametrize("jobs", [1, 3, 60])
def test_the_heads_overview_costs_the_same_queries_for_1_3_and_60_jobs_at_risk(
    tenant_a, client_a, staffing, django_assert_num_queries, warm_routes, jobs
):
    with tenant_context(tenant_a):
        _head(client_a, staffing)
        Job.objects.bulk_create(  # nobody signed up: every job is at risk
            Job(
                department=staffing.department,
                name=f"Job {n}",
                start=at(staffing.event, 1, "06:00") + dt.timedelta(minutes=5 * n),
                end=at(staffing.event, 1, "08:00") + dt.timedelta(minutes=5 * n),
                places=2,
            )
            for n in range(jobs)
        )
    warm_routes(client_a)

    # The session and its account, their membership (the staffing role), the active event, the
    # departments they head and the department tree, whether any, the departments listed, the
    # at-risk jobs with their departments and counts (one query), the front's branding and
    # pages: 11.
    with django_assert_num_queries(11):
        response = client_a.get(f"/{staffing.event.slug}/volunteer/manage/")

    assert response.content.decode().count("/sign-in/") == jobs


@pytest.mark.parametrize("applicants", [1, 3, 40])
def test_the_applications_page_costs_the_same_queries_for_1_3_and_40_applicants(
    tenant_a, client_a, staffing, django_assert_num_queries, warm_routes, applicants
):
    with tenant_context(tenant_a):
        _head(client_a, staffing)
        for n in range(applicants):
            VolunteerFactory(
                event=staffing.event, name=f"Applicant {n}", status=Volunteer.Status.APPLIED
            ).interests.add(staffing.department)
    warm_routes(client_a)

    # The session and its account, their membership, the active event, the departments they
    # head and the department tree, whether any, their ids, the open applications and their
    # interests (one prefetch), the front's branding and pages: 12.
    with django_assert_num_queries(12):
        response = client_a.get(f"/{staffing.event.slug}/volunteer/manage/applications/")

    assert response.content.decode().count("data-application=") == applicants
