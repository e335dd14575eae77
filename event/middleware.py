"""Events in the URL: ``/<event-slug>/<an app's path>`` serves that event of the convention —
``/fd-2027/register/`` sells next year's badges while ``/register/`` (the default event's)
still sells this year's.

The slug is taken off the path before the URLconf sees it and becomes the request's script
prefix, so every app's URLs, views and ``reverse()`` stay as they are and every link a page
makes keeps the event; ``active_event()`` answers with the event served (event/current.py).
Paths without an event slug serve the default event, so links in mails already sent, door
devices and payment providers' webhooks keep working unchanged. A first segment the site's own
pages use (``admin``, ``register``, …) is never an event slug (event slugs are validated
against the same list), and only public events are served (draft and archived: 404)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import URLPattern, URLResolver, get_resolver, get_script_prefix, set_script_prefix

from tenant.current import serving_public

# Served outside the URLconf (static files, health checks) or by the browser's own asking.
_OUTSIDE_URLCONF = {"static", "media", "favicon.ico", "robots.txt", "healthz", "-"}


def _first_segments(patterns: list[URLPattern | URLResolver]) -> set[str]:
    found: set[str] = set()
    for pattern in patterns:
        route = str(pattern.pattern).lstrip("^/")
        segment = route.split("/", 1)[0]
        if not segment and isinstance(pattern, URLResolver):
            found |= _first_segments(pattern.url_patterns)  # an app mounted at the root
        elif segment and "<" not in segment:
            found.add(segment)
    return found


@functools.cache
def reserved_segments() -> frozenset[str]:
    """The first path segments the convention's own pages use: never an event's slug."""
    from django.conf import settings

    urlconf = get_resolver(settings.ROOT_URLCONF)  # the conventions' URLconf
    return frozenset(_first_segments(urlconf.url_patterns) | _OUTSIDE_URLCONF)


class EventPrefixMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from event.current import serving_event
        from event.selectors import event_by_slug

        first, slash, rest = request.path_info.lstrip("/").partition("/")
        if not first or serving_public() or first in reserved_segments():
            return self.get_response(request)
        event = event_by_slug(first)
        if event is None:
            return self.get_response(request)  # the URLconf's 404, as for any unknown path
        if not slash:
            return HttpResponsePermanentRedirect(f"{request.path}/")
        request.path_info = f"/{rest}"
        request.event = event  # type: ignore[attr-defined]
        outer = get_script_prefix()
        set_script_prefix(f"{outer}{first}/")
        try:
            with serving_event(event):
                return self.get_response(request)
        finally:
            # The prefix is per thread: the next request on it (a test client's, which does not
            # set one) must not inherit this event's.
            set_script_prefix(outer)
