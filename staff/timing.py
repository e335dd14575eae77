"""Staffing times are shown and entered on the event's clocks (``event.timezone``)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from event.models import Event


def event_zone(event: Event) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(event.timezone)


def local(moment: dt.datetime, event: Event) -> dt.datetime:
    return moment.astimezone(event_zone(event))


def at_local(day: dt.date, clock: dt.time, event: Event) -> dt.datetime:
    return dt.datetime.combine(day, clock, tzinfo=event_zone(event))


def event_days(event: Event) -> list[dt.date]:
    return [
        event.start_date + dt.timedelta(days=n)
        for n in range((event.end_date - event.start_date).days + 1)
    ]
