"""Fixtures shared by the schedule tests: an event in New York time with rooms, a track and
helpers to place and release sessions."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django_tenants.utils import tenant_context

from schedule.models import Slot
from schedule.services import release_create
from schedule.timing import at_local
from tests.factories.event import EventFactory
from tests.factories.schedule import (
    RoomFactory,
    SpeakerFactory,
    SubmissionFactory,
    TrackFactory,
    on_panel,
)
from tests.factories.tenant import PASSWORD, UserFactory

FIRST_DAY = dt.date(2031, 7, 1)


def at(event, day: int, clock: str) -> dt.datetime:
    """``clock`` (HH:MM) on the event's ``day`` (1 = first), on the event's clocks."""
    hours, minutes = (int(x) for x in clock.split(":"))
    return at_local(event.start_date + dt.timedelta(days=day - 1), dt.time(hours, minutes), event)


def make_programme(
    *, sessions: int = 3, rooms: int = 2, release: bool = True, name: str = "Alpha Con"
):
    """Inside a tenant: an active event (4 days, New York), ``rooms`` rooms, a track and
    ``sessions`` accepted 30-minute sessions, each with its own panelist (the first one's is
    Robin Fox), filling the rooms from 08:00 day by day without overlaps; then released."""
    event = EventFactory(
        name=name, is_active=True, start_date=FIRST_DAY, end_date=FIRST_DAY + dt.timedelta(days=3)
    )
    track = TrackFactory(event=event, name="Community", slug="community")
    room_rows = [
        RoomFactory(event=event, name=["Main Stage", "Room B"][n] if n < 2 else f"Room {n}")
        for n in range(rooms)
    ]
    speaker = SpeakerFactory(event=event, name="Robin Fox")
    placed = []
    slots = []
    for n in range(sessions):
        submission = SubmissionFactory(event=event, title=f"Panel {n}", track=track, duration=30)
        on_panel(submission, speaker if n == 0 else SpeakerFactory(event=event))
        k = n // rooms
        start = at(event, 1 + k // 36, "08:00") + dt.timedelta(minutes=30 * (k % 36))
        slots.append(Slot(submission=submission, room=room_rows[n % rooms], start=start))
        placed.append(submission)
    Slot.objects.bulk_create(slots)
    version = release_create(event=event, by_id=None) if release and sessions else None
    return SimpleNamespace(
        event=event, track=track, rooms=room_rows, speaker=speaker, sessions=placed, release=version
    )


@pytest.fixture
def programme(tenant_a):
    with tenant_context(tenant_a):
        return make_programme()


def log_in(client, user=None):
    user = user or UserFactory()
    client.logout()  # the log-in page sends a logged-in visitor away
    client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    client.user = user
    return client
