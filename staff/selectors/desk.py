"""What the heads' working pages read: applications to decide, the clock-in desk's search,
staff waiting for a comped badge."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet

from event.models import BadgeNumberRange, Event
from register.models import BadgeLevel
from staff.models import Department, Shift, Volunteer
from staff.timing import at_local

DESK_RESULTS = 30


def open_applications(*, departments: QuerySet[Department]) -> QuerySet[Volunteer]:
    """Applications not decided yet from people who want to help in one of these departments
    (the staffing lead's ``departments`` are all of them: every open application)."""
    return (
        Volunteer.objects.filter(status=Volunteer.Status.APPLIED, interests__in=departments)
        .distinct()
        .prefetch_related(Prefetch("interests", queryset=Department.objects.order_by("name")))
        .order_by("created_at")
    )


def clock_desk_shifts(
    *, event: Event, departments: QuerySet[Department], query: str, day: dt.date
) -> list[Shift]:
    """Shifts on ``day`` (the event's clocks) in these departments of the people whose name
    holds ``query``, earliest first."""
    query = query.strip()
    if not query:
        return []
    start = at_local(day, dt.time(0, 0), event)
    return list(
        Shift.objects.filter(
            job__department__in=departments,
            job__start__gte=start,
            job__start__lt=start + dt.timedelta(days=1),
            volunteer__name__icontains=query,
        )
        .select_related("volunteer", "job__department")
        .order_by("job__start", "volunteer__name")[:DESK_RESULTS]
    )


def staff_awaiting_badges(*, event: Event) -> QuerySet[Volunteer]:
    """Accepted staff of the event without a badge linked to their record."""
    return Volunteer.objects.filter(
        event=event,
        kind=Volunteer.Kind.STAFF,
        status=Volunteer.Status.ACCEPTED,
        registration__isnull=True,
    ).order_by("name")


def staff_badges_given(*, event: Event) -> QuerySet[Volunteer]:
    return (
        Volunteer.objects.filter(event=event, kind=Volunteer.Kind.STAFF, registration__isnull=False)
        .select_related("registration__level")
        .order_by("name")
    )


def staff_badge_levels(*, event: Event) -> QuerySet[BadgeLevel]:
    """The event's badge levels numbered from the staff range (what a comp may be)."""
    return BadgeLevel.objects.filter(event=event, badge_kind=BadgeNumberRange.Kind.STAFF)
