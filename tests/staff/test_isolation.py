"""Another convention's departments, heads, volunteers, shifts and iCal tokens are invisible
and unusable here, though the same ids exist in both schemas."""

import pytest
from django_tenants.utils import tenant_context

from staff.models import Shift
from staff.services import feed_token_ensure, shift_sign_up
from tests.factories.staff import JobFactory, MemberFactory, VolunteerFactory
from tests.staff.conftest import NOW, at, log_in, make_staffing

pytestmark = pytest.mark.django_db


@pytest.fixture
def both(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        a = make_staffing(name="Alpha Con")
        a.job = JobFactory(
            department=a.department, name="Alpha secret desk", start=at(a.event, 1, "10:00")
        )
        a.volunteer = VolunteerFactory(event=a.event, name="Alpha Volunteer")
        a.shift = shift_sign_up(job_id=a.job.pk, volunteer_id=a.volunteer.pk, now=NOW)
        a.token = feed_token_ensure(volunteer_id=a.volunteer.pk)
    with tenant_context(tenant_b):
        b = make_staffing(name="Beta Con")
    return a, b


def test_another_conventions_jobs_are_not_on_the_board(both, client_b):
    page = client_b.get("/volunteer/?day=2031-07-01").content.decode()

    assert "Alpha secret desk" not in page


def test_another_conventions_ical_token_is_unusable_here(both, client_a, client_b):
    a, _ = both

    assert client_a.get(f"/volunteer/feeds/{a.token}/shifts.ics").status_code == 200
    assert client_b.get(f"/volunteer/feeds/{a.token}/shifts.ics").status_code == 404


def test_a_head_of_another_convention_manages_nothing_here(both, tenant_a, tenant_b, client_b):
    a, b = both
    head = log_in(client_b).user
    with tenant_context(tenant_a):
        MemberFactory(
            department=a.department,
            is_head=True,
            volunteer=VolunteerFactory(event=a.event, account=head),
        )

    assert client_b.get("/volunteer/manage/").status_code == 403
    assert client_b.get(f"/volunteer/manage/jobs/{a.job.pk}/sign-in/").status_code == 404
    assert (
        client_b.post(
            f"/volunteer/manage/shifts/{a.shift.pk}/mark/", {"status": "no_show"}
        ).status_code
        == 404
    )
    with tenant_context(tenant_a):
        assert Shift.objects.get(pk=a.shift.pk).status == "signed_up"


def test_a_volunteer_here_cannot_take_drop_or_swap_another_conventions_shifts(
    both, tenant_a, tenant_b, client_b
):
    a, b = both
    person = log_in(client_b).user
    with tenant_context(tenant_b):
        VolunteerFactory(event=b.event, account=person)

    take = client_b.post(f"/volunteer/jobs/{a.job.pk}/sign-up/")
    drop = client_b.post(f"/volunteer/shifts/{a.shift.pk}/drop/")
    swap = client_b.post(f"/volunteer/shifts/{a.shift.pk}/swap/", {"job": a.job.pk})

    assert (take.status_code, drop.status_code, swap.status_code) == (400, 400, 400)
    with tenant_context(tenant_a):
        assert list(Shift.objects.values_list("pk", flat=True)) == [a.shift.pk]
    with tenant_context(tenant_b):
        assert Shift.objects.count() == 0


def test_another_conventions_volunteers_and_shifts_are_not_in_the_admin(
    both, tenant_a, tenant_b, client_b
):
    from tenant.roles import Role
    from tests.factories.tenant import MembershipFactory

    _, b = both
    lead = MembershipFactory(tenant=tenant_b, roles=[Role.STAFF_LEAD]).user
    log_in(client_b, lead)

    with tenant_context(tenant_b):
        VolunteerFactory(event=b.event, name="Beta Volunteer")
    volunteers = client_b.get("/admin/staff/volunteer/")
    shifts = client_b.get("/admin/staff/shift/")

    assert (volunteers.status_code, shifts.status_code) == (200, 200)
    assert "Beta Volunteer" in volunteers.content.decode()
    assert "Alpha Volunteer" not in volunteers.content.decode()
    assert "Alpha secret desk" not in shifts.content.decode()
