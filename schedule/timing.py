"""Time on the programme: the one place that turns instants into the event's days and clocks.

Every time shown or exported is in the event's time zone (``event.timezone``). A programme day
runs from ``DAY_CHANGE`` (06:00 local) to 06:00 the next morning, so a panel at 23:30 that ends
at 00:30 belongs to the evening it started on, and the c3voc exports' day boundaries say so.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from event.models import Event

DAY_CHANGE = dt.time(6, 0)


def event_zone(event: Event) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(event.timezone)


def local(moment: dt.datetime, event: Event) -> dt.datetime:
    """``moment`` on the event's clocks."""
    return moment.astimezone(event_zone(event))


def at_local(day: dt.date, clock: dt.time, event: Event) -> dt.datetime:
    """The instant at ``clock`` on ``day`` in the event's time zone."""
    return dt.datetime.combine(day, clock, tzinfo=event_zone(event))


@dataclass(frozen=True)
class ProgrammeDay:
    index: int  # 1 for the first day
    date: dt.date
    start: dt.datetime  # DAY_CHANGE on ``date``, aware, in the event's zone
    end: dt.datetime  # DAY_CHANGE the next morning

    def contains(self, moment: dt.datetime) -> bool:
        return self.start <= moment < self.end


def programme_days(event: Event) -> list[ProgrammeDay]:
    """The event's days, from its first to its last date."""
    days = []
    for offset in range((event.end_date - event.start_date).days + 1):
        date = event.start_date + dt.timedelta(days=offset)
        days.append(
            ProgrammeDay(
                index=offset + 1,
                date=date,
                start=at_local(date, DAY_CHANGE, event),
                end=at_local(date + dt.timedelta(days=1), DAY_CHANGE, event),
            )
        )
    return days


def programme_date(moment: dt.datetime, event: Event) -> dt.date:
    """The programme day a session starting at ``moment`` belongs to (before 06:00 counts as
    the previous evening)."""
    clock = local(moment, event)
    if clock.time() < DAY_CHANGE:
        return clock.date() - dt.timedelta(days=1)
    return clock.date()


def event_window(event: Event) -> tuple[dt.datetime, dt.datetime]:
    """When sessions may take place: the first day's 06:00 to 06:00 after the last day."""
    days = programme_days(event)
    return days[0].start, days[-1].end


def clock_hhmm(moment: dt.datetime, event: Event) -> str:
    """``HH:MM`` on the event's clocks (the c3voc ``start``)."""
    return local(moment, event).strftime("%H:%M")


def duration_hmm(minutes: int) -> str:
    """``H:MM`` (the c3voc ``duration``): 90 → ``1:30``."""
    return f"{minutes // 60}:{minutes % 60:02d}"
