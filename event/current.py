"""Which event a request (or a task) is about: the one its URL names (``/<slug>/…``, set by
event/middleware.py), else the convention's default event. Every read of "the event"
goes through ``active_event`` (event/selectors.py), which asks here first — event-awareness
lives in this one place, as tenant-awareness lives in tenant/current.py."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from event.models import Event

_served: ContextVar[Event | None] = ContextVar("midsummer_event_served", default=None)


def event_served() -> Event | None:
    """The event the URL named, or None (the default event is served)."""
    return _served.get()


@contextmanager
def serving_event(event: Event | None) -> Iterator[None]:
    """Serve ``event`` (None: the default) inside the block."""
    token = _served.set(event)
    try:
        yield
    finally:
        _served.reset(token)


def event_link(event: Event, viewname: str, *, kwargs: dict | None = None, site: str = "") -> str:
    """An absolute link to one of ``event``'s pages at the event's own address
    (``https://host/fd-2027/volunteer/mine/``), whichever event the request or task serves:
    mails about next year's event lead to next year's pages, never through the bare address
    (which leads on to the default event). ``site``: the site's address, when a caller making
    many links looked it up once. An event without public pages (draft, archived) gets the
    bare address."""
    from django.urls import get_script_prefix, reverse

    from tenant.current import current_site_url

    root = _site_root()
    path = reverse(viewname, kwargs=kwargs)[len(get_script_prefix()) :]
    at = f"{root}{event.slug}/" if event.is_public else root
    return (site or current_site_url()) + at + path


def event_address(event: Event, url: str) -> str:
    """A link made where no event's address is served (``/admin/register/order/``) at
    ``event``'s own address (``/fd-2028/admin/register/order/``); unchanged for an event
    without pages and for anything that is not a path of this site."""
    root = _site_root()
    if not event.is_public or not url.startswith(root):
        return url
    return f"{root}{event.slug}/{url[len(root) :]}"


def _site_root() -> str:
    """The site's own script prefix, without the served event's slug the middleware added."""
    from django.urls import get_script_prefix

    prefix = get_script_prefix()
    served = event_served()
    served_at = f"{served.slug}/" if served is not None else None
    return prefix.removesuffix(served_at) if served_at and prefix.endswith(served_at) else prefix
