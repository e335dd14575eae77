from __future__ import annotations

from django.db.models import QuerySet

from event.models import Event, EventDay


def active_event() -> Event | None:
    """The event of the tenant being served that attendees see now."""
    return Event.objects.filter(is_active=True).first()


def event_days(*, event: Event) -> QuerySet[EventDay]:
    return event.days.order_by("date")
