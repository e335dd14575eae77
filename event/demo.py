"""The demo conventions' events (``seed_demo``), keyed by the demo convention's schema."""

from __future__ import annotations

import datetime as dt

from event.models import Event
from event.services import event_create
from midsummer.contract import DemoConvention

# name, venue, address, city, months from today, days long, time zone, (latitude, longitude)
DEMO_EVENTS = {
    "furrydelphia": (
        "Furrydelphia 2027",
        "Philadelphia Marriott Downtown",
        "1201 Market Street\nPhiladelphia, PA 19107",
        "Philadelphia",
        4,
        4,
        "America/New_York",
        (39.9522, -75.1604),
    ),
    "uproar": (
        "Uproar Winter 2027",
        "Hyatt Regency Louisville",
        "320 West Jefferson Street\nLouisville, KY 40202",
        "Louisville",
        6,
        3,
        "America/Kentucky/Louisville",
        (38.2555, -85.7566),
    ),
}


def seed(demo: DemoConvention) -> None:
    """The convention's active event, when it has no event yet."""
    if demo.key not in DEMO_EVENTS:
        return
    name, venue, address, city, months, length, tz, (latitude, longitude) = DEMO_EVENTS[demo.key]
    if Event.objects.exists():
        # Demo data from before events had a city, an address and a position.
        Event.objects.filter(is_active=True, city="").update(city=city, venue_address=address)
        Event.objects.filter(is_active=True, latitude__isnull=True).update(
            latitude=latitude, longitude=longitude
        )
        return
    start = demo.today + dt.timedelta(days=30 * months)
    event_create(
        name=name,
        slug=name.lower().replace(" ", "-"),
        start_date=start,
        end_date=start + dt.timedelta(days=length - 1),
        timezone=tz,
        venue_name=venue,
        venue_address=address,
        city=city,
        is_active=True,
        latitude=latitude,
        longitude=longitude,
    )


def next_year_demo_event() -> Event | None:
    """Next year's event, copied from the demo's active one once every app has seeded it (so
    it has their set-up): two events at once, this year's and next year's pre-sale."""
    from event.services import event_copy

    current = Event.objects.filter(is_active=True).first()
    if current is None:
        return None
    name = current.name.replace(str(current.start_date.year), str(current.start_date.year + 1))
    slug = name.lower().replace(" ", "-")
    existing = Event.objects.filter(slug=slug).first()
    if existing is not None or name == current.name:
        return existing
    start = current.start_date + dt.timedelta(weeks=52)
    return event_copy(source=current, name=name, slug=slug, start_date=start)
