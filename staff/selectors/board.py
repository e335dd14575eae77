"""What volunteers see: open shifts by day and department, their own shifts, their hours and
rewards. Hours signed up and hours worked are kept apart: rewards count only hours worked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet

from event.models import Event
from staff.models import Department, Job, RewardThreshold, Shift, Volunteer
from staff.timing import at_local


def volunteer_of_account(*, event: Event, account_id: int) -> Volunteer | None:
    return Volunteer.objects.filter(event=event, account_id=account_id).first()


def volunteer_by_feed_token(*, token: str) -> Volunteer | None:
    import hashlib

    if not token:
        return None
    lookup = hashlib.sha256(token.encode()).hexdigest()
    return Volunteer.objects.select_related("event").filter(feed_lookup=lookup).first()


def departments_of(*, event: Event) -> QuerySet[Department]:
    return Department.objects.filter(event=event).select_related("parent")


def jobs_on_board(
    *,
    event: Event,
    volunteer: Volunteer | None,
    day: dt.date | None = None,
    department_id: int | None = None,
) -> QuerySet[Job]:
    """The jobs a volunteer may see, with ``taken`` (places held) annotated and their required
    roles prefetched: members-only jobs only for members of the department. A bounded number
    of queries whatever the number of jobs."""
    jobs = Job.objects.filter(department__event=event)
    member_of: list[int] = []
    if volunteer is not None:
        member_of = list(volunteer.memberships.values_list("department_id", flat=True))
    jobs = jobs.filter(Q(visibility=Job.Visibility.ALL) | Q(department_id__in=member_of))
    if day is not None:
        start = at_local(day, dt.time(0), event)
        jobs = jobs.filter(start__gte=start, start__lt=start + dt.timedelta(days=1))
    if department_id is not None:
        jobs = jobs.filter(department_id=department_id)
    return (
        jobs.select_related("department")
        .annotate(taken=Count("shifts"))
        .prefetch_related(Prefetch("required_roles"))
        .order_by("start", "department__name", "name")
    )


def shifts_of_volunteer(*, volunteer: Volunteer) -> QuerySet[Shift]:
    return (
        Shift.objects.filter(volunteer=volunteer)
        .select_related("job__department")
        .order_by("job__start")
    )


@dataclass(frozen=True)
class Hours:
    signed_up: Decimal  # weighted hours of shifts held and not yet marked
    worked: Decimal  # weighted hours marked worked (clocked time when clocked)


def hours_of(shifts: list[Shift]) -> Hours:
    signed_up = sum(
        (s.job.weighted_hours for s in shifts if s.status == Shift.Status.SIGNED_UP), Decimal(0)
    )
    worked = sum((s.worked_hours for s in shifts), Decimal(0))
    return Hours(
        signed_up=signed_up.quantize(Decimal("0.1")), worked=worked.quantize(Decimal("0.1"))
    )


@dataclass(frozen=True)
class RewardProgress:
    name: str
    hours: Decimal
    earned: bool
    percent: int  # of the threshold, from hours worked only


def reward_progress(*, event: Event, worked: Decimal) -> list[RewardProgress]:
    return [
        RewardProgress(
            name=r.name,
            hours=r.hours,
            earned=worked >= r.hours,
            percent=min(100, int(worked * 100 / r.hours)),
        )
        for r in RewardThreshold.objects.filter(event=event)
    ]
