"""Events in the URL: ``/<event-slug>/<an app's path>`` serves that event of the convention —
``/fd-2027/register/`` sells next year's badges while ``/register/`` (the default event's)
still sells this year's.

The slug is taken off the path before the URLconf sees it and becomes the request's script
prefix, so every app's URLs, views and ``reverse()`` stay as they are and every link a page
makes keeps the event; ``active_event()`` answers with the event served (event/current.py).
Paths without an event slug belong to the single-event era: a person opening one of an app's
event pages there (``/register/``, a link in an old mail or bookmark) is sent on to the default
event's address, so the page they see names its event; what machines send or fetch — any
POST, payment providers' webhooks, door devices' API, calendar feeds, exports, the API — is
answered in place for the default event (each app's contract names its machines' paths,
``machine_paths``). A first segment the site's own pages use (``admin``, ``register``, …) is
never an event slug (event slugs are validated against the same list), and only public
events are served (draft and archived: 404)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.urls import URLPattern, URLResolver, get_resolver, get_script_prefix, set_script_prefix

from midsummer.contract import bare_event_pages
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
        if not first or serving_public():
            return self.get_response(request)
        if first in reserved_segments():
            moved = _moved_to_default_event(request)
            return moved if moved is not None else self.get_response(request)
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


def _moved_to_default_event(request: HttpRequest) -> HttpResponse | None:
    """The way on to the default event's address, when a person opens an event page at its
    bare address. Temporary (302): next year the bare address leads to next year's event."""
    from event.selectors import active_event

    if request.method not in ("GET", "HEAD"):
        return None  # a form sent from a page of before, or a machine: answered in place
    pages, machines = bare_event_pages()
    path = request.path_info.lstrip("/")
    if not path.startswith(pages) or path.startswith(machines):
        return None
    event = active_event()
    if event is None or not event.is_public:
        return None  # no address to move to (none, a draft or archived): answered in place
    return HttpResponseRedirect(f"{get_script_prefix()}{event.slug}{request.get_full_path_info()}")
