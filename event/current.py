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
