"""Departments' jobs: one at a time, or generated from a template ("Registration desk, every
2 h, 4 people, 08:00–22:00") over one day or the whole event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from staff.errors import ShiftRefusedError
from staff.models import Department, DepartmentRole, Job
from staff.services.mail import queue_shift_changed
from staff.timing import at_local, event_days


@transaction.atomic
def job_create(
    *,
    department: Department,
    name: str,
    start: dt.datetime,
    end: dt.datetime,
    places: int = 1,
    weight: Decimal | str = "1.0",
    visibility: str = Job.Visibility.ALL,
    required_roles: Iterable[DepartmentRole] = (),
    description: str = "",
) -> Job:
    if end <= start:
        raise ShiftRefusedError(_("A job must end after it starts."))
    if places < 1:
        raise ShiftRefusedError(_("A job needs at least one place."))
    job = Job.objects.create(
        department=department,
        name=name,
        start=start,
        end=end,
        places=places,
        weight=Decimal(weight),
        visibility=visibility,
        description=description,
    )
    roles = [r for r in required_roles if r.department.event_id == department.event_id]
    if roles:
        job.required_roles.set(roles)
    return job


@transaction.atomic
def jobs_generate(
    *,
    department: Department,
    name: str,
    first: dt.time,
    last: dt.time,
    every_minutes: int,
    places: int,
    day: dt.date | None = None,
    weight: Decimal | str = "1.0",
    visibility: str = Job.Visibility.ALL,
    required_roles: Iterable[DepartmentRole] = (),
) -> list[Job]:
    """Jobs of ``every_minutes`` each from ``first`` to ``last`` (event's clocks) on ``day``,
    or on every day of the event when ``day`` is None. Slots already there (same department,
    name and start) are left alone, so running a template twice adds nothing."""
    event = department.event
    if every_minutes < 15 or every_minutes > 24 * 60:
        raise ShiftRefusedError(_("A slot lasts between 15 minutes and 24 hours."))
    if last <= first:
        raise ShiftRefusedError(_("The last slot must end after the first one starts."))
    days = [day] if day is not None else event_days(event)
    if any(d < event.start_date or d > event.end_date for d in days):
        raise ShiftRefusedError(_("Pick a day of the event."))
    roles = list(required_roles)
    made = []
    step = dt.timedelta(minutes=every_minutes)
    for date in days:
        start, stop = at_local(date, first, event), at_local(date, last, event)
        existing = set(
            Job.objects.filter(
                department=department, name=name, start__gte=start, start__lt=stop
            ).values_list("start", flat=True)
        )
        while start + step <= stop:
            if start not in existing:
                made.append(
                    job_create(
                        department=department,
                        name=name,
                        start=start,
                        end=start + step,
                        places=places,
                        weight=weight,
                        visibility=visibility,
                        required_roles=roles,
                    )
                )
            start += step
    return made


@transaction.atomic
def job_move(*, job_id: int, start: dt.datetime, end: dt.datetime) -> Job:
    """Move a job in time; everyone holding a place is mailed about it."""
    if end <= start:
        raise ShiftRefusedError(_("A job must end after it starts."))
    job = Job.objects.select_for_update().get(pk=job_id)
    job.start, job.end = start, end
    job.save(update_fields=["start", "end"])
    for volunteer_id in job.shifts.values_list("volunteer_id", flat=True):
        queue_shift_changed(volunteer_id=volunteer_id, job_id=job.pk, change="moved")
    return job
