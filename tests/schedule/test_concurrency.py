"""Two leads at once: placements and releases are serialized by a row lock on the event."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from event.models import Event
from schedule.models import Release, Slot
from schedule.services import PlacementNeedsConfirmationError, release_create, slot_place
from tenant.models import Tenant
from tests.concurrency import run_at_once
from tests.factories.schedule import SpeakerFactory, SubmissionFactory, on_panel
from tests.schedule.conftest import at, make_programme


@pytest.fixture
def alpha(committed):
    """The alpha tenant, outside the test transaction: the threads see what is committed."""
    tenant = Tenant.objects.get(schema_name="alpha")
    yield tenant
    with tenant_context(tenant):
        Slot.objects.all().delete()
        Event.objects.all().delete()
    connection.set_schema_to_public()


def test_two_placements_into_one_room_at_once_cannot_both_miss_the_double_booking(alpha):
    with tenant_context(alpha):
        p = make_programme(sessions=0, release=False)
        sessions = [SubmissionFactory(event=p.event, title=f"Race {n}") for n in range(2)]
        for s in sessions:
            on_panel(s, SpeakerFactory(event=p.event))

        def place(submission):
            with tenant_context(alpha):
                return slot_place(
                    event=p.event,
                    submission_id=submission.pk,
                    room_id=p.rooms[0].pk,
                    start=at(p.event, 1, "10:00"),
                )

        results = run_at_once(place, sessions)

        with tenant_context(alpha):
            placed = Slot.objects.count()
        outcomes = sorted(type(r).__name__ for r in results)
        assert outcomes == ["PlacementNeedsConfirmationError", "tuple"]
        assert placed == 1
        assert isinstance(
            next(r for r in results if not isinstance(r, tuple)), PlacementNeedsConfirmationError
        )


def test_two_releases_at_once_get_consecutive_versions(alpha):
    with tenant_context(alpha):
        p = make_programme(sessions=2, release=False)

        def release(_):
            with tenant_context(alpha):
                return release_create(event=p.event, by_id=None).version

        results = run_at_once(release, [1, 2, 3])

        with tenant_context(alpha):
            versions = sorted(Release.objects.values_list("version", flat=True))
        assert sorted(results) == [1, 2, 3]
        assert versions == [1, 2, 3]
