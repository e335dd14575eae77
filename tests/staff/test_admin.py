"""The admin is scoped like the pages: a department head sees only their department's jobs."""

import pytest
from django_tenants.utils import tenant_context

from tenant.roles import Role
from tests.factories.staff import DepartmentFactory, JobFactory, MemberFactory, VolunteerFactory
from tests.factories.tenant import MembershipFactory
from tests.staff.conftest import log_in

pytestmark = pytest.mark.django_db


def test_a_department_head_sees_only_their_departments_jobs_in_the_admin(
    tenant_a, client_a, staffing
):
    # Any role opens the admin; staffing authority comes only from being a head.
    head = MembershipFactory(tenant=tenant_a, roles=[Role.KIOSK_OPERATOR]).user
    log_in(client_a, head)
    with tenant_context(tenant_a):
        MemberFactory(
            department=staffing.department,
            is_head=True,
            volunteer=VolunteerFactory(event=staffing.event, account=head),
        )
        other = DepartmentFactory(event=staffing.event, name="Security", slug="security")
        JobFactory(department=staffing.department, name="Badge desk")
        secret = JobFactory(department=other, name="Door watch")

    listing = client_a.get("/admin/staff/job/")
    hidden = client_a.get(f"/admin/staff/job/{secret.pk}/change/")

    assert listing.status_code == 200
    assert "Badge desk" in listing.content.decode()
    assert "Door watch" not in listing.content.decode()
    assert hidden.status_code == 302  # "doesn't exist. Perhaps it was deleted?"


def test_the_staffing_lead_sees_every_department_in_the_admin(tenant_a, client_a, staffing):
    lead = MembershipFactory(tenant=tenant_a, roles=[Role.STAFF_LEAD]).user
    log_in(client_a, lead)
    with tenant_context(tenant_a):
        other = DepartmentFactory(event=staffing.event, name="Security", slug="security")
        JobFactory(department=staffing.department, name="Badge desk")
        JobFactory(department=other, name="Door watch")

    listing = client_a.get("/admin/staff/job/").content.decode()

    assert "Badge desk" in listing
    assert "Door watch" in listing


def test_a_head_cannot_move_a_job_or_assign_into_another_department(tenant_a, client_a, staffing):
    head = MembershipFactory(tenant=tenant_a, roles=[Role.KIOSK_OPERATOR]).user
    log_in(client_a, head)
    with tenant_context(tenant_a):
        MemberFactory(
            department=staffing.department,
            is_head=True,
            volunteer=VolunteerFactory(event=staffing.event, account=head),
        )
        other = DepartmentFactory(event=staffing.event, name="Security", slug="security")
        mine = JobFactory(department=staffing.department, name="Badge desk")
        theirs = JobFactory(department=other, name="Door watch")
        helper = VolunteerFactory(event=staffing.event)

    form = client_a.get(f"/admin/staff/job/{mine.pk}/change/").content.decode()
    client_a.post(
        "/admin/staff/shift/add/",
        {"job": theirs.pk, "volunteer": helper.pk, "status": "signed_up"},
    )

    assert "Security" not in form
    with tenant_context(tenant_a):
        assert theirs.shifts.count() == 0
