"""What department heads and the staffing lead see: coverage by hour, the at-risk report, the
sign-in sheet and the reports (hours per person and department, rewards earned)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from event.models import Event
from staff.models import Department, Job, RewardThreshold, Shift, Volunteer
from staff.selectors.board import hours_of
from staff.timing import at_local, local


@dataclass(frozen=True)
class HourCoverage:
    start: dt.datetime  # on the event's clocks
    needed: int
    filled: int


def coverage_by_hour(
    *, event: Event, departments: QuerySet[Department], day: dt.date
) -> list[HourCoverage]:
    """For each hour of ``day``: places needed and filled over the departments' jobs running
    in that hour. Two queries whatever the number of jobs."""
    start = at_local(day, dt.time(0), event)
    end = start + dt.timedelta(days=1)
    jobs = list(
        Job.objects.filter(department__in=departments, start__lt=end, end__gt=start)
        .annotate(filled=Count("shifts", filter=~Q(shifts__status=Shift.Status.NO_SHOW)))
        .values("start", "end", "places", "filled")
    )
    hours = []
    for n in range(24):
        hour = start + dt.timedelta(hours=n)
        running = [j for j in jobs if j["start"] < hour + dt.timedelta(hours=1) and j["end"] > hour]
        hours.append(
            HourCoverage(
                start=local(hour, event),
                needed=sum(j["places"] for j in running),
                filled=sum(j["filled"] for j in running),
            )
        )
    return hours


def at_risk_jobs(
    *, departments: QuerySet[Department], now: dt.datetime | None = None
) -> QuerySet[Job]:
    """Jobs with places unfilled (still to come) or a no-show, soonest first."""
    now = now or timezone.now()
    return (
        Job.objects.filter(department__in=departments)
        .annotate(
            taken=Count("shifts"),
            no_shows=Count("shifts", filter=Q(shifts__status=Shift.Status.NO_SHOW)),
        )
        .filter(Q(no_shows__gt=0) | Q(taken__lt=F("places"), end__gt=now))
        .select_related("department")
        .order_by("start")
    )


def sign_in_sheet(*, job: Job) -> QuerySet[Shift]:
    return job.shifts.select_related("volunteer").order_by("volunteer__name")


def managed_jobs(*, departments: QuerySet[Department]) -> QuerySet[Job]:
    return (
        Job.objects.filter(department__in=departments)
        .select_related("department")
        .annotate(taken=Count("shifts"))
        .order_by("start")
    )


@dataclass(frozen=True)
class PersonHours:
    volunteer: Volunteer
    department: str
    signed_up: Decimal
    worked: Decimal
    rewards: list[str]


def hours_report(*, event: Event) -> list[PersonHours]:
    """Hours per person and department (signed up and worked apart) with the rewards each
    person's worked hours earn. Three queries."""
    shifts = list(
        Shift.objects.filter(job__department__event=event)
        .select_related("job__department", "volunteer")
        .order_by("volunteer__name", "job__department__name")
    )
    thresholds = list(RewardThreshold.objects.filter(event=event))
    by_person: dict[int, list[Shift]] = defaultdict(list)
    for shift in shifts:
        by_person[shift.volunteer_id].append(shift)
    rows = []
    for person_shifts in by_person.values():
        total_worked = hours_of(person_shifts).worked
        rewards = [t.name for t in thresholds if total_worked >= t.hours]
        by_department: dict[str, list[Shift]] = defaultdict(list)
        for shift in person_shifts:
            by_department[shift.job.department.name].append(shift)
        for department, department_shifts in by_department.items():
            hours = hours_of(department_shifts)
            rows.append(
                PersonHours(
                    volunteer=person_shifts[0].volunteer,
                    department=department,
                    signed_up=hours.signed_up,
                    worked=hours.worked,
                    rewards=rewards,
                )
            )
    return rows
