from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from event.models import BadgeNumberRange, Event, EventDay
from event.selectors import minor_cutoff_for
from tenant.signals import listing_changed
from tenant.tasks import queue_after_commit

# Staff badges keep the low numbers; attendees count up from 200 with no upper limit.
DEFAULT_BADGE_RANGES = {
    BadgeNumberRange.Kind.STAFF: (1, 149),
    BadgeNumberRange.Kind.DEALER: (150, 199),
    BadgeNumberRange.Kind.ATTENDEE: (200, None),
}


@dataclass(frozen=True)
class GeneratedProperties:
    event_id: int
    days: list[dt.date]
    minor_cutoff_date: dt.date
    badge_ranges_created: int


@transaction.atomic
def event_generate_properties(*, event: Event) -> GeneratedProperties:
    """(Re)compute an event's derived data; running it again changes nothing.

    - days: one EventDay per calendar day from start to end (stale days removed);
    - minor_cutoff_date: born after it means under ``age_of_majority`` on the first day;
    - badge number ranges: the defaults for kinds that have none yet (custom ones are kept).
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    wanted = [
        event.start_date + dt.timedelta(days=offset)
        for offset in range((event.end_date - event.start_date).days + 1)
    ]
    EventDay.objects.filter(event=event).exclude(date__in=wanted).delete()
    existing = {day.date: day for day in EventDay.objects.filter(event=event)}
    for number, date in enumerate(wanted, start=1):
        day = existing.get(date)
        if day is None:
            EventDay.objects.create(event=event, date=date, number=number)
        elif day.number != number:
            day.number = number
            day.save(update_fields=["number"])

    cutoff = minor_cutoff_for(event)
    if event.minor_cutoff_date != cutoff:
        event.minor_cutoff_date = cutoff
        event.save(update_fields=["minor_cutoff_date", "updated_at"])

    present = list(BadgeNumberRange.objects.filter(event=event))
    # A kind added later (dealer) is only given its default range where it overlaps none the
    # event has: badge numbers are unique per event.
    missing = [
        kind
        for kind in DEFAULT_BADGE_RANGES
        if kind not in {r.kind for r in present}
        and not any(_overlaps(DEFAULT_BADGE_RANGES[kind], r) for r in present)
    ]
    BadgeNumberRange.objects.bulk_create(
        BadgeNumberRange(
            event=event,
            kind=kind,
            first_number=DEFAULT_BADGE_RANGES[kind][0],
            last_number=DEFAULT_BADGE_RANGES[kind][1],
        )
        for kind in missing
    )
    return GeneratedProperties(
        event_id=event.pk, days=wanted, minor_cutoff_date=cutoff, badge_ranges_created=len(missing)
    )


def _overlaps(numbers: tuple[int, int | None], existing: BadgeNumberRange) -> bool:
    first, last = numbers
    return (last is None or existing.first_number <= last) and (
        existing.last_number is None or first <= existing.last_number
    )


def event_schedule_property_refresh(*, event: Event) -> None:
    """Queue the recomputation of an event's derived data once the current transaction commits."""
    queue_after_commit("event.generate_properties", event.pk)


@transaction.atomic
def event_save(*, event: Event) -> Event:
    """Validate and save an event (new or changed), the admin's edits included. An event made
    active makes the previous active one step down.

    Side effects: listings built from the convention's public facts (the platform directory)
    are refreshed in this transaction; its derived properties are recomputed after commit
    (Celery task).
    """
    event.full_clean(validate_constraints=False)
    if event.is_active:
        Event.objects.select_for_update().filter(is_active=True).exclude(pk=event.pk).update(
            is_active=False
        )
    event.save()
    event_schedule_property_refresh(event=event)
    listing_changed.send(sender=Event)
    return event


@transaction.atomic
def event_delete(*, event: Event) -> None:
    """Delete an event (only one without orders: they protect it). Side effect: listings are
    refreshed in this transaction."""
    event.delete()
    listing_changed.send(sender=Event)


def event_create(
    *,
    name: str,
    slug: str,
    start_date: dt.date,
    end_date: dt.date,
    timezone: str = "UTC",
    venue_name: str = "",
    venue_address: str = "",
    city: str = "",
    is_active: bool = False,
    latitude: float | None = None,
    longitude: float | None = None,
) -> Event:
    """Create an event, making it the active one if asked (see ``event_save``)."""
    return event_save(
        event=Event(
            name=name,
            slug=slug,
            start_date=start_date,
            end_date=end_date,
            timezone=timezone,
            venue_name=venue_name,
            venue_address=venue_address,
            city=city,
            is_active=is_active,
            latitude=latitude,
            longitude=longitude,
        )
    )


@transaction.atomic
def event_copy(*, source: Event, name: str, slug: str, start_date: dt.date) -> Event:
    """Start next year's event from ``source``: a new event (on sale, not the default) with the
    same place and rules, its dates from ``start_date``, and every app's set-up copied with
    its dates moved by the same span (levels and price tiers, add-ons, questions, badge-number
    ranges, departments and jobs, table types, …) — no people, no orders.

    Side effects: as ``event_save``; each app's ``copy_event`` (midsummer/contract.py)."""
    from event.copying import Copied, copy_rows
    from midsummer.contract import contracts

    shift = start_date - source.start_date
    target = event_save(
        event=Event(
            name=name,
            slug=slug,
            state=Event.State.ON_SALE,
            start_date=start_date,
            end_date=source.end_date + shift,
            timezone=source.timezone,
            venue_name=source.venue_name,
            venue_address=source.venue_address,
            city=source.city,
            latitude=source.latitude,
            longitude=source.longitude,
            age_of_majority=source.age_of_majority,
        )
    )
    copied: Copied = {Event: {source.pk: target.pk}}
    copy_rows(
        BadgeNumberRange.objects.filter(event=source).order_by("pk"),
        shift=shift,
        copied=copied,
        set_fields={"event": target},
    )
    for contract in contracts():
        contract.copy_event(source=source, target=target, shift=shift, copied=copied)
    return target
