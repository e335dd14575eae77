"""Placing sessions: warnings computed in one place, impossible times refused, nothing
half-written."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django_tenants.utils import tenant_context

from schedule.models import RoomAvailability, Slot, Submission, SubmissionAvailability
from schedule.selectors import wip_warnings
from schedule.services import (
    PlacementNeedsConfirmationError,
    slot_place,
    submission_decide,
    warning_accept,
)
from schedule.warnings import Placement, schedule_warnings
from tests.factories.schedule import RoomFactory, SpeakerFactory, SubmissionFactory, on_panel
from tests.schedule.conftest import at, make_programme


@pytest.fixture
def plan(tenant_a):
    with tenant_context(tenant_a):
        yield make_programme(sessions=0, release=False)


def _session(plan, title="Talk", duration=60, speaker=None):
    submission = SubmissionFactory(event=plan.event, title=title, duration=duration)
    on_panel(submission, speaker or SpeakerFactory(event=plan.event))
    return submission


def _kinds(plan) -> list[str]:
    return [w.kind for w in wip_warnings(event=plan.event)]


def test_same_room_same_time_needs_confirmation_and_saves_nothing(plan):
    first, second = _session(plan, "First"), _session(plan, "Second")
    slot_place(
        event=plan.event,
        submission_id=first.pk,
        room_id=plan.rooms[0].pk,
        start=at(plan.event, 1, "10:00"),
    )

    with pytest.raises(PlacementNeedsConfirmationError) as refused:
        slot_place(
            event=plan.event,
            submission_id=second.pk,
            room_id=plan.rooms[0].pk,
            start=at(plan.event, 1, "10:30"),
        )

    assert [w.kind for w in refused.value.warnings] == ["room_double_booked"]
    assert Slot.objects.filter(submission=second).exists() is False


def test_an_accepted_warning_stays_accepted_until_a_session_moves(plan):
    first, second = _session(plan, "First"), _session(plan, "Second")
    slot_place(
        event=plan.event,
        submission_id=first.pk,
        room_id=plan.rooms[0].pk,
        start=at(plan.event, 1, "10:00"),
    )
    slot_place(
        event=plan.event,
        submission_id=second.pk,
        room_id=plan.rooms[0].pk,
        start=at(plan.event, 1, "10:00"),
        accept_warnings=True,
    )
    accepted = [w.accepted for w in wip_warnings(event=plan.event)]

    slot_place(
        event=plan.event,
        submission_id=second.pk,
        room_id=plan.rooms[0].pk,
        start=at(plan.event, 1, "10:15"),
        accept_warnings=True,
    )
    moved = [w.accepted for w in wip_warnings(event=plan.event)]
    Slot.objects.filter(submission=second).update(
        start=at(plan.event, 1, "10:20"), accepted_warnings=[]
    )
    after_moving_without_accepting = [w.accepted for w in wip_warnings(event=plan.event)]
    assert (accepted, moved, after_moving_without_accepting) == ([True], [True], [False])


def test_panelist_in_two_rooms_at_the_same_start_and_length_is_warned(plan):
    robin = SpeakerFactory(event=plan.event, name="Robin")
    first, second = _session(plan, "A", speaker=robin), _session(plan, "B", speaker=robin)
    Slot.objects.create(submission=first, room=plan.rooms[0], start=at(plan.event, 1, "10:00"))
    Slot.objects.create(submission=second, room=plan.rooms[1], start=at(plan.event, 1, "10:00"))

    warnings = wip_warnings(event=plan.event)

    assert [w.kind for w in warnings] == ["panelist_double_booked"]
    assert "Robin is on “A”" in warnings[0].message


def test_availability_room_size_and_far_rooms_are_warned(plan):
    robin = SpeakerFactory(event=plan.event, name="Robin")
    far = RoomFactory(event=plan.event, name="Tower", area="Tower", capacity=10)
    plan.rooms[0].area = "Ballroom"
    plan.rooms[0].save(update_fields=["area"])
    first = _session(plan, "A", speaker=robin)
    second = _session(plan, "B", speaker=robin)
    second.expected_attendance = 50
    second.save(update_fields=["expected_attendance"])
    SubmissionAvailability.objects.create(
        submission=first, start=at(plan.event, 2, "10:00"), end=at(plan.event, 2, "18:00")
    )
    RoomAvailability.objects.create(
        room=far, start=at(plan.event, 1, "12:00"), end=at(plan.event, 1, "20:00")
    )
    Slot.objects.create(submission=first, room=plan.rooms[0], start=at(plan.event, 1, "10:00"))
    Slot.objects.create(submission=second, room=far, start=at(plan.event, 1, "11:05"))

    assert _kinds(plan) == [
        "outside_panelist_availability",
        "outside_room_availability",
        "room_too_small",
        "far_back_to_back",
    ]


def test_warnings_are_computed_in_one_function_without_a_database(plan):
    start = at(plan.event, 1, "10:00")
    one = Placement(
        1, "A", 1, "Hall", "", 0, start, start + dt.timedelta(hours=1), speakers={7: "Kai"}
    )
    two = Placement(
        2, "B", 2, "Den", "", 0, start, start + dt.timedelta(hours=1), speakers={7: "Kai"}
    )

    warnings = schedule_warnings([one, two], event=plan.event)

    assert [(w.kind, w.submission_ids, w.key) for w in warnings] == [
        ("panelist_double_booked", (1, 2), "panelist_double_booked:1:2:7")
    ]


def test_the_lead_accepts_a_warning_from_the_list(plan):
    first, second = _session(plan, "First"), _session(plan, "Second")
    Slot.objects.create(submission=first, room=plan.rooms[0], start=at(plan.event, 1, "10:00"))
    Slot.objects.create(submission=second, room=plan.rooms[0], start=at(plan.event, 1, "10:00"))
    (warning,) = wip_warnings(event=plan.event)

    warning_accept(event=plan.event, key=warning.key)

    assert [w.accepted for w in wip_warnings(event=plan.event)] == [True]


@pytest.mark.parametrize(
    ("day", "clock", "duration", "message"),
    [
        (1, "05:00", 60, "outside the event"),  # before the first day's 06:00
        (4, "23:30", 480, "outside the event"),  # past 06:00 after the last day
        (0, "12:00", 60, "outside the event"),  # the day before
    ],
)
def test_impossible_times_are_refused_with_a_message(plan, day, clock, duration, message):
    session = _session(plan, duration=duration)

    with pytest.raises(ValidationError) as refused:
        slot_place(
            event=plan.event,
            submission_id=session.pk,
            room_id=plan.rooms[0].pk,
            start=at(plan.event, day, clock),
        )

    assert message in " ".join(refused.value.messages)
    assert Slot.objects.count() == 0


def test_a_session_crossing_midnight_inside_the_event_is_placed(plan):
    session = _session(plan, duration=120)

    slot, warnings = slot_place(
        event=plan.event,
        submission_id=session.pk,
        room_id=plan.rooms[0].pk,
        start=at(plan.event, 4, "23:30"),
    )

    assert (slot.start, warnings) == (at(plan.event, 4, "23:30"), [])


@pytest.mark.parametrize("minutes", [0, 4, 12 * 60 + 1, 6944 * 60])
def test_nonsense_durations_cannot_be_saved_even_bypassing_the_services(plan, minutes):
    # 6,944 hours does not even fit the column (DataError); the others hit the constraint.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Submission.objects.create(
            event=plan.event, title="Broken", description="", duration=minutes
        )


def test_only_accepted_sessions_are_placed(plan):
    session = _session(plan)
    submission_decide(submission_id=session.pk, status=Submission.Status.WAITLISTED)

    with pytest.raises(ValidationError) as refused:
        slot_place(
            event=plan.event,
            submission_id=session.pk,
            room_id=plan.rooms[0].pk,
            start=at(plan.event, 1, "10:00"),
        )

    assert refused.value.message_dict == {"submission": ["Only accepted sessions can be placed."]}


def test_declining_a_placed_session_takes_it_off_the_grid(plan):
    session = _session(plan)
    slot_place(
        event=plan.event,
        submission_id=session.pk,
        room_id=plan.rooms[0].pk,
        start=at(plan.event, 1, "10:00"),
    )

    submission_decide(submission_id=session.pk, status=Submission.Status.DECLINED)

    assert Slot.objects.filter(submission=session).count() == 0
