"""The organizer's registration settings of an event, and the deadlines they set.

Reading settings never writes: an event without a settings row gets the defaults, unsaved; the
row is created where settings are written (``registration_settings_update``, the admin). The
settings are read once per event instance (Django caches the one-to-one on the event), so a
page and the service it calls share one query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from event.models import Event
from register.models import RegistrationSettings


def registration_settings(*, event: Event) -> RegistrationSettings:
    """The event's registration settings, or the defaults (unsaved) when it has none yet."""
    try:
        return event.registration
    except RegistrationSettings.DoesNotExist:
        return RegistrationSettings(event=event)


def registration_settings_of(*, event_ids: Iterable[int]) -> dict[int, RegistrationSettings]:
    """The settings of several events at once (one query): event id → its settings, or the
    defaults (unsaved) for an event that has none."""
    wanted = set(event_ids)
    found = {s.event_id: s for s in RegistrationSettings.objects.filter(event__in=wanted)}
    return {
        event_id: found.get(event_id) or RegistrationSettings(event_id=event_id)
        for event_id in wanted
    }


def _until(deadline: dt.date | None, today: dt.date) -> dt.date | None:
    return deadline if deadline is not None and today <= deadline else None


def badge_name_edit_deadline(*, event: Event, today: dt.date) -> dt.date | None:
    """The last day attendees may still rename their badges, or None when they no longer can.
    ``today`` is the event's day (``event.selectors.event_today``)."""
    return _until(registration_settings(event=event).badge_name_edit_until, today)


def self_cancel_deadline(*, event: Event, today: dt.date) -> dt.date | None:
    """The last day attendees may still cancel their own orders, or None when they cannot."""
    return _until(registration_settings(event=event).self_cancel_until, today)


def transfer_deadline(*, event: Event, today: dt.date) -> dt.date | None:
    """The last day badges may be transferred (``dt.date.max``: no limit), or None when they
    may not be."""
    found = registration_settings(event=event)
    if not found.transfers_allowed:
        return None
    if found.transfer_until is None:
        return dt.date.max
    return _until(found.transfer_until, today)
