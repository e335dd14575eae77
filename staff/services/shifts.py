"""Signing up for, dropping, swapping and assigning shifts; marking them worked or no-show;
clocking in and out. The rules, each in one function:

- places: a job never holds more shifts than places;
- overlaps: one person never holds two shifts whose times overlap (the refusal names the clash);
- consecutive hours: a run of back-to-back shifts in one department stays under its cap;
- required roles: the person holds every role the job requires;
- visibility: a members-only job takes members of its department;
- time: a shift that has started cannot be taken, and a volunteer cannot drop or swap one
  after the convention's cut-off (a head can).

Concurrency: every write locks the person's ``Volunteer`` row first (so their overlap and hours
checks see their other sign-ups), then the jobs' rows in primary-key order (so places are
counted under the lock). The order is the same everywhere, so two writes never deadlock.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from staff.errors import (
    DropCutoffError,
    JobFullError,
    MissingRoleError,
    NotAllowedError,
    ShiftInPastError,
    ShiftOverlapError,
    ShiftRefusedError,
    TooManyHoursError,
)
from staff.models import Job, Shift, StaffSettings, Volunteer, overlaps_q
from staff.services.mail import queue_shift_changed
from staff.timing import local


def drop_cutoff_hours(*, event_id: int) -> int:
    """How many hours before a shift volunteers stop dropping or swapping it (24 by default)."""
    hours = (
        StaffSettings.objects.filter(event_id=event_id)
        .values_list("drop_cutoff_hours", flat=True)
        .first()
    )
    return 24 if hours is None else hours


def drop_cutoff(job: Job, *, hours: int | None = None) -> dt.datetime:
    """Until when a volunteer may drop or swap a shift of this job (``hours``: the event's
    cut-off when already read)."""
    if hours is None:
        hours = drop_cutoff_hours(event_id=job.department.event_id)
    return job.start - dt.timedelta(hours=hours)


def _describe(job: Job) -> str:
    start = local(job.start, job.department.event)
    end = local(job.end, job.department.event)
    return _("%(job)s (%(department)s, %(day)s %(start)s–%(end)s)") % {
        "job": job.name,
        "department": job.department.name,
        "day": start.strftime("%a %d %b"),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
    }


def _lock_volunteer(volunteer_id: int) -> Volunteer:
    return Volunteer.objects.select_for_update().get(pk=volunteer_id)


def _lock_jobs(*job_ids: int) -> dict[int, Job]:
    jobs = (
        Job.objects.select_for_update(of=("self",))
        .select_related("department__event")
        .filter(pk__in=job_ids)
        .order_by("pk")
    )
    return {job.pk: job for job in jobs}


def _check_may_hold(
    *, volunteer: Volunteer, job: Job, now: dt.datetime, ignore_shift_id: int | None, by_head: bool
) -> None:
    """Every rule for ``volunteer`` taking ``job`` (under the locks); raises the first refusal."""
    if volunteer.event_id != job.department.event_id:
        raise NotAllowedError(_("This shift belongs to another event."))
    if volunteer.status != Volunteer.Status.ACCEPTED:
        raise NotAllowedError(
            _("Your application has not been accepted yet: a department head will be in touch.")
        )
    if job.start <= now:
        raise ShiftInPastError(_("This shift has already started: pick a later one."))
    if (
        not by_head
        and job.visibility == Job.Visibility.MEMBERS
        and not volunteer.memberships.filter(department_id=job.department_id).exists()
    ):
        raise NotAllowedError(
            _("This shift is for members of %(department)s: ask its head to add you.")
            % {"department": job.department.name}
        )
    required = {role.pk: role.name for role in job.required_roles.all()}
    if required:
        held = set(volunteer.department_roles.values_list("pk", flat=True))
        missing = sorted(name for pk, name in required.items() if pk not in held)
        if missing:
            raise MissingRoleError(
                _("This shift needs %(roles)s: ask the department head to certify you first.")
                % {"roles": ", ".join(missing)}
            )
    mine = (
        Shift.objects.filter(volunteer=volunteer)
        .exclude(status=Shift.Status.NO_SHOW)
        .select_related("job__department__event")
    )
    if ignore_shift_id is not None:
        mine = mine.exclude(pk=ignore_shift_id)
    if mine.filter(job=job).exists():
        raise ShiftRefusedError(_("You already hold this shift."))
    clash = mine.filter(overlaps_q(job.start, job.end)).order_by("job__start").first()
    if clash is not None:
        raise ShiftOverlapError(
            _("This shift overlaps your shift %(clash)s: drop that one first or pick another.")
            % {"clash": _describe(clash.job)}
        )
    cap = job.department.max_consecutive_hours
    if cap:
        run_start, run_end = job.start, job.end
        same_department = sorted(
            (s.job.start, s.job.end) for s in mine.filter(job__department=job.department_id)
        )
        changed = True
        while changed:  # grow the run by every shift touching it
            changed = False
            for start, end in same_department:
                if start <= run_end and end >= run_start and (start, end) != (run_start, run_end):
                    if start < run_start or end > run_end:
                        run_start, run_end = min(start, run_start), max(end, run_end)
                        changed = True
        hours = Decimal((run_end - run_start).total_seconds()) / 3600
        if hours > cap:
            raise TooManyHoursError(
                _(
                    "That would make %(hours)s hours in a row in %(department)s (at most "
                    "%(cap)s): leave a break between shifts."
                )
                % {"hours": f"{hours:g}", "department": job.department.name, "cap": cap}
            )
    if job.shifts.count() >= job.places:
        raise JobFullError(_("This shift is full: pick another one."))


@transaction.atomic
def shift_sign_up(
    *, job_id: int, volunteer_id: int, by_head: bool = False, now: dt.datetime | None = None
) -> Shift:
    """The volunteer takes a place of the job (``by_head``: a head assigns them, which skips
    the members-only rule). Raises a ``ShiftRefusedError`` subclass, writing nothing."""
    now = now or timezone.now()
    volunteer = _lock_volunteer(volunteer_id)
    job = _lock_jobs(job_id).get(job_id)
    if job is None:
        raise ShiftRefusedError(_("This shift no longer exists."))
    _check_may_hold(volunteer=volunteer, job=job, now=now, ignore_shift_id=None, by_head=by_head)
    return Shift.objects.create(job=job, volunteer=volunteer)


def shift_assign(*, job_id: int, volunteer_id: int, now: dt.datetime | None = None) -> Shift:
    """A head puts a volunteer on a job (same rules as signing up, bar members-only); the
    volunteer is mailed about it after the commit."""
    with transaction.atomic():
        shift = shift_sign_up(job_id=job_id, volunteer_id=volunteer_id, by_head=True, now=now)
        queue_shift_changed(volunteer_id=volunteer_id, job_id=job_id, change="assigned")
    return shift


@transaction.atomic
def shift_drop(
    *, shift_id: int, volunteer_id: int, by_head: bool = False, now: dt.datetime | None = None
) -> None:
    """Give a shift back. A volunteer only before the cut-off and only their own; a head any
    time before it starts (the volunteer is mailed)."""
    now = now or timezone.now()
    volunteer = _lock_volunteer(volunteer_id)
    shift = (
        Shift.objects.select_related("job__department__event")
        .filter(pk=shift_id, volunteer=volunteer)
        .first()
    )
    if shift is None:
        raise ShiftRefusedError(_("You do not hold this shift."))
    if shift.job.start <= now:
        raise ShiftInPastError(_("This shift has already started: it can no longer be dropped."))
    if not by_head and now >= drop_cutoff(shift.job):
        raise DropCutoffError(
            _("It is too late to drop this shift online: ask your department head.")
        )
    job_id = shift.job_id
    shift.delete()
    if by_head:
        queue_shift_changed(volunteer_id=volunteer.pk, job_id=job_id, change="removed")


@transaction.atomic
def shift_swap(
    *, shift_id: int, job_id: int, volunteer_id: int, now: dt.datetime | None = None
) -> Shift:
    """Trade a held shift for a place on another job in one step: either both happen or
    neither (the old place is kept when the new one is refused)."""
    now = now or timezone.now()
    volunteer = _lock_volunteer(volunteer_id)
    old = Shift.objects.filter(pk=shift_id, volunteer=volunteer).first()
    if old is None:
        raise ShiftRefusedError(_("You do not hold this shift."))
    jobs = _lock_jobs(old.job_id, job_id)
    if job_id not in jobs:
        raise ShiftRefusedError(_("This shift no longer exists."))
    old_job, new_job = jobs[old.job_id], jobs[job_id]
    if now >= drop_cutoff(old_job):
        raise DropCutoffError(
            _("It is too late to swap this shift online: ask your department head.")
        )
    _check_may_hold(
        volunteer=volunteer, job=new_job, now=now, ignore_shift_id=old.pk, by_head=False
    )
    old.delete()
    return Shift.objects.create(job=new_job, volunteer=volunteer)


@transaction.atomic
def shift_mark(*, shift_id: int, status: str) -> Shift:
    """A head marks a shift worked or no-show (or back to signed up)."""
    if status not in Shift.Status.values:
        raise ShiftRefusedError(_("Unknown shift status."))
    shift = Shift.objects.select_for_update().get(pk=shift_id)
    shift.status = status
    shift.save(update_fields=["status"])
    return shift


def _clock(moment: dt.datetime, shift: Shift) -> str:
    return local(moment, shift.job.department.event).strftime("%H:%M")


@transaction.atomic
def shift_clock_in(*, shift_id: int, at: dt.datetime | None = None) -> Shift:
    """The desk clocks the person in (their worked time starts here); once per shift."""
    shift = Shift.objects.select_for_update().get(pk=shift_id)
    if shift.clock_in is not None:
        raise ShiftRefusedError(
            _("Already clocked in at %(when)s.") % {"when": _clock(shift.clock_in, shift)}
        )
    shift.clock_in = at or timezone.now()
    shift.save(update_fields=["clock_in"])
    return shift


@transaction.atomic
def shift_clock_out(*, shift_id: int, at: dt.datetime | None = None) -> Shift:
    """The desk clocks the person out: the shift counts as worked for the clocked time."""
    shift = Shift.objects.select_for_update().get(pk=shift_id)
    at = at or timezone.now()
    if shift.clock_in is None:
        raise ShiftRefusedError(_("Clock in first."))
    if shift.clock_out is not None:
        raise ShiftRefusedError(
            _("Already clocked out at %(when)s.") % {"when": _clock(shift.clock_out, shift)}
        )
    if at <= shift.clock_in:
        raise ShiftRefusedError(_("Clock-out must be after clock-in."))
    shift.clock_out = at
    shift.status = Shift.Status.WORKED
    shift.save(update_fields=["clock_out", "status"])
    return shift
