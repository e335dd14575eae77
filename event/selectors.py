"""Reads of a convention's events, and the event's rules every app shares: which day it is at
the event, and who counts as a minor there. Each rule is computed here and nowhere else."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db.models import QuerySet
from django.utils import timezone

from event.models import Event, EventDay


def active_event(*, with_related: tuple[str, ...] = ()) -> Event | None:
    """The event being served: the one the URL names (``/<slug>/…``), else the convention's
    default event; ``with_related``: one-to-one relations read in the same query (an app's
    per-event settings, e.g. ``"registration"``)."""
    from event.current import event_served

    served = event_served()
    events = Event.objects.select_related(*with_related)
    if served is not None:
        if all(getattr(Event, name).is_cached(served) for name in with_related):
            return served  # read with it (event_by_slug)
        return events.filter(pk=served.pk).first()
    return events.filter(is_active=True).first()


def public_events() -> QuerySet[Event]:
    """The convention's events with pages of their own (on sale, live or over), soonest
    first."""
    from event.models import PUBLIC_STATES

    return Event.objects.filter(state__in=PUBLIC_STATES).order_by("start_date", "pk")


def upcoming_events(*, now: dt.datetime | None = None) -> list[Event]:
    """Public events on sale or live whose last day has not passed at the event (each in its
    own time zone), soonest first."""
    moment = now or timezone.now()
    # No event's calendar day is more than a day behind UTC's; the exact cut is per event.
    candidates = public_events().filter(
        state__in=[Event.State.ON_SALE, Event.State.LIVE],
        end_date__gte=moment.date() - dt.timedelta(days=1),
    )
    return [event for event in candidates if event.end_date >= event_today(event, moment)]


def events_for_command(slug: str | None) -> list[Event]:
    """What an operator command's ``--event`` names: the event with ``slug`` (whatever its
    state), or every event of the convention when none is given, oldest first."""
    events = Event.objects.order_by("start_date", "pk")
    return list(events.filter(slug=slug) if slug else events)


def event_by_slug(slug: str) -> Event | None:
    """A public event by its slug (draft and archived ones are not found), with the per-event
    settings the apps' pages read (their contracts' ``served_event_relations``)."""
    from midsummer.contract import served_event_relations

    return public_events().filter(slug=slug).select_related(*served_event_relations()).first()


def event_days(*, event: Event) -> QuerySet[EventDay]:
    return event.days.order_by("date")


def event_timezone(event: Event) -> zoneinfo.ZoneInfo:
    """The event's time zone: every time and day shown to a person is in it."""
    return zoneinfo.ZoneInfo(event.timezone)


def event_today(event: Event, now: dt.datetime | None = None) -> dt.date:
    """Today at the event: the calendar day ``now`` (default: this moment) falls on in the
    event's time zone. Price tiers, deadlines ("until 14 June, inclusive") and age checks are
    days at the event, so every page and service asks this, never the server's date: at 23:30
    in Philadelphia it is already tomorrow in UTC."""
    moment = now or timezone.now()
    return moment.astimezone(event_timezone(event)).date()


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a non-leap target year
        return day.replace(year=day.year - years, day=28)


def minor_cutoff_for(event: Event) -> dt.date:
    """Born after this date means under ``age_of_majority`` on the event's first day, computed
    from the event's dates (``event_generate_properties`` stores it on the event)."""
    return _years_before(event.start_date, event.age_of_majority)


def minor_cutoff(event: Event) -> dt.date:
    """The minors' cut-off of ``event``: attendees born after it are minors at the event. The
    stored derived date, or — for an event whose properties were not generated yet — the same
    date computed from its dates. Age rules, guardians, reports, filters and anonymization all
    ask this function."""
    return event.minor_cutoff_date or minor_cutoff_for(event)
