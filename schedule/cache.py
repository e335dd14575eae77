"""The public programme's cache: pages and exports rendered once per release.

Keys carry the tenant's schema (the cache's key function) and the release's id, so a new
release makes every older entry unreachable; ``forget_release`` drops the pointer to the
current release right after a release commits, in that tenant only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from event.models import Event
from schedule.selectors import latest_release

T = TypeVar("T")
TIMEOUT = 24 * 60 * 60
NO_RELEASE = 0


def _release_key(event_id: int) -> str:
    return f"schedule:release:{event_id}"


def current_release_id(*, event: Event) -> int | None:
    """The id of the event's latest release, from the cache when it is there."""
    found = cache.get(_release_key(event.pk))
    if found is None:
        release = latest_release(event=event)
        found = release.pk if release is not None else NO_RELEASE
        cache.set(_release_key(event.pk), found, TIMEOUT)
    return found or None


def forget_release(*, event_id: int) -> None:
    cache.delete(_release_key(event_id))


def cached(release_id: int, what: str, build: Callable[[], T]) -> T:
    """``build()``'s result for ``what`` in this release, computed once per release."""
    key = f"schedule:r{release_id}:{what}"
    found: T | None = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, TIMEOUT)
    return found
