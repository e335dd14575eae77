"""The staffing app's side of the app contract (midsummer/contract.py, docs/APPS.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from event.selectors import active_event
from midsummer.contract import (
    AdminTile,
    DemoConvention,
    HomeCard,
    NavLink,
    PeriodicWork,
    TenantAppContract,
)
from staff import demo
from staff.models import Shift, Volunteer
from staff.selectors import at_risk_jobs, is_staffing_lead, managed_departments
from staff.services import person_erase

if TYPE_CHECKING:
    from django.http import HttpRequest

    from tenant.models import User


class Contract(TenantAppContract):
    scrambled_columns = {
        "staff_volunteer": {
            "name": "{first} || ' ' || {last}",
            "emergency_contact": "'Contact ' || id",
            "availability": "CASE WHEN availability = '' THEN '' ELSE 'Availability ' || id END",
            "skills": "CASE WHEN skills = '' THEN '' ELSE 'Skills ' || id END",
            "feed_salt": "md5(random()::text || id)",
        },
    }

    urls = "staff.urls"
    url_prefix = "volunteer/"
    event_pages = True
    machine_paths = ("feeds/",)
    nav_links = (NavLink("staff:board", _("Volunteer"), order=60),)
    home_cards = (
        HomeCard("staff:board", _("Volunteer shifts"), order=65),
        HomeCard("staff:mine", _("My shifts"), order=66, needs_login=True),
    )
    periodic = (PeriodicWork("staff.send_reminders", every=15 * 60),)

    def copy_event(self, *, source: Any, target: Any, shift: Any, copied: Any) -> None:
        """Its settings and rewards, departments with their roles, and their jobs (moved by a
        year: next year's schedule of shifts, no one signed up)."""
        from django.db.models import F

        from event.copying import copy_rows
        from staff.models import Department, DepartmentRole, Job, RewardThreshold, StaffSettings

        to_target = {"event": target}
        for model in (StaffSettings, RewardThreshold):
            rows = model.objects.filter(event=source).order_by("pk")
            copy_rows(rows, shift=shift, copied=copied, set_fields=to_target)
        departments = Department.objects.filter(event=source).order_by(
            F("parent").asc(nulls_first=True), "pk"
        )
        copy_rows(departments, shift=shift, copied=copied, set_fields=to_target)
        roles = DepartmentRole.objects.filter(department__event=source).order_by("pk")
        copy_rows(roles, shift=shift, copied=copied)
        for role in DepartmentRole.objects.filter(pk__in=copied[DepartmentRole].values()):
            role.holders.clear()  # people are not copied
        jobs = Job.objects.filter(department__event=source).order_by("pk")
        copy_rows(jobs, shift=shift, copied=copied)

    def personal_data(self, *, account: User) -> Any:
        volunteers = Volunteer.objects.filter(account_id=account.pk).select_related("event")
        data = [
            {
                "event": v.event.name,
                "name": v.name,
                "kind": v.kind,
                "status": v.status,
                "availability": v.availability,
                "skills": v.skills,
                "shirt_size": v.shirt_size,
                "emergency_contact": v.emergency_contact,
                "departments": [m.department.name for m in v.memberships.all()],
                "shifts": [
                    {
                        "job": s.job.name,
                        "department": s.job.department.name,
                        "start": s.job.start.isoformat(),
                        "end": s.job.end.isoformat(),
                        "status": s.status,
                        "clock_in": s.clock_in.isoformat() if s.clock_in else None,
                        "clock_out": s.clock_out.isoformat() if s.clock_out else None,
                    }
                    for s in Shift.objects.filter(volunteer=v).select_related("job__department")
                ],
            }
            for v in volunteers.prefetch_related("memberships__department")
        ]
        return data or None

    def personal_data_erase(self, *, account: User) -> int:
        return person_erase(account_id=account.pk)

    def admin_tiles(self, *, request: HttpRequest) -> list[AdminTile]:
        event = active_event()
        if event is None or not is_staffing_lead(request.user):
            return []
        departments = managed_departments(user=request.user, event=event)
        return [
            AdminTile(
                label=_("Volunteer applications to answer"),
                value=str(
                    Volunteer.objects.filter(event=event, status=Volunteer.Status.APPLIED).count()
                ),
                url=reverse("admin:staff_volunteer_changelist") + "?status__exact=applied",
                order=50,
            ),
            AdminTile(
                label=_("Shifts at risk (unfilled or no-show)"),
                value=str(at_risk_jobs(departments=departments).count()),
                url=reverse("staff:manage"),
                order=51,
            ),
        ]

    def seed_demo(self, convention: DemoConvention) -> None:
        demo.seed(convention)
