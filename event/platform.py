"""The event app's side of the app contract (midsummer/contract.py, docs/APPS.md)."""

from __future__ import annotations

from typing import Any

from event import demo
from event.selectors import active_event
from midsummer.contract import AdminEventChoice, DemoConvention, TenantAppContract


class Contract(TenantAppContract):
    def listing_facts(self) -> dict[str, Any]:
        """The active event, as the platform directory lists it (no event: no listing)."""
        event = active_event()
        if event is None:
            return {}
        return {
            "event_name": event.name,
            "start_date": event.start_date,
            "end_date": event.end_date,
            "timezone": event.timezone,
            "city": event.city,
            "venue_name": event.venue_name,
            "latitude": event.latitude,
            "longitude": event.longitude,
        }

    def admin_event_choices(self, *, request: Any) -> list[AdminEventChoice]:
        """Every event but drafts and archived ones: ``/<slug>/admin/`` lists that event's
        rows; "All events" is the plain admin."""
        from django.utils.translation import gettext

        from event.selectors import public_events

        served = getattr(request, "event", None)
        rest = request.path_info  # the admin page, without an event's prefix
        choices = [AdminEventChoice(gettext("All events"), rest, served is None)]
        for event in public_events():
            current = served is not None and served.pk == event.pk
            choices.append(AdminEventChoice(event.name, f"/{event.slug}{rest}", current))
        return choices if len(choices) > 2 else []

    def seed_demo(self, convention: DemoConvention) -> None:
        demo.seed(convention)

    def seed_demo_finish(self, convention: DemoConvention) -> list[str]:
        """Next year's event, copied from this year's with every app's set-up."""
        following = demo.next_year_demo_event()
        if following is None:
            return []
        where = f"http://{convention.host}:{convention.port}/{following.slug}/"
        return [f"{where}  {following.name}, on pre-sale"]
