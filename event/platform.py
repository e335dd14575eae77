"""The event app's side of the app contract (midsummer/contract.py, docs/APPS.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from event import demo
from event.selectors import active_event
from midsummer.contract import (
    AdminDashboard,
    AdminEventChoice,
    AdminTile,
    DemoConvention,
    TenantAppContract,
)


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

    def event_pages_linker(self) -> Callable[[str], str] | None:
        """On a page that serves no event (the convention's home, accounts), links to an app's
        event pages lead straight to the default event's address — where the bare address
        would redirect them (event/middleware.py) — so following one costs no redirect."""
        from django.urls import get_script_prefix

        from event.current import event_address, event_served
        from midsummer.contract import bare_event_pages

        if event_served() is not None:
            return None
        default = active_event()
        if default is None or not default.is_public:
            return None
        pages, machines = bare_event_pages()
        root = get_script_prefix()

        def link(url: str) -> str:
            path = url[len(root) :] if url.startswith(root) else ""
            if not path.startswith(pages) or path.startswith(machines):
                return url
            return event_address(default, url)

        return link

    def admin_dashboards(
        self, *, request: Any, tiles: Callable[[], list[AdminTile]]
    ) -> list[AdminDashboard]:
        """Under an event's admin, that event's figures. On the admin of all events, one
        dashboard per event on sale or on now (and the default event), each linking to its
        event's admin: this year's doors and next year's pre-sale side by side."""
        from dataclasses import replace

        from django.urls import reverse

        from event.current import event_address, serving_event
        from event.selectors import upcoming_events

        served = getattr(request, "event", None)
        if served is not None:
            return [AdminDashboard(served.name, tiles())]
        default = active_event()
        shown = upcoming_events()
        if default is not None and default not in shown:
            shown.insert(0, default)
        if len(shown) < 2:
            return [AdminDashboard(default.name if default else "", tiles())]
        dashboards = []
        for event in shown:
            with serving_event(event):
                found = tiles()
            dashboards.append(
                AdminDashboard(
                    event.name,
                    [replace(tile, url=event_address(event, tile.url)) for tile in found],
                    event_address(event, reverse("admin:index")),
                )
            )
        return dashboards

    def seed_demo(self, convention: DemoConvention) -> None:
        demo.seed(convention)

    def seed_demo_finish(self, convention: DemoConvention) -> list[str]:
        """Next year's event, copied from this year's with every app's set-up."""
        following = demo.next_year_demo_event()
        if following is None:
            return []
        where = f"http://{convention.host}:{convention.port}/{following.slug}/"
        return [f"{where}  {following.name}, on pre-sale"]
