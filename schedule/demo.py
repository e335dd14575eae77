"""The demo conventions' programme (``seed_demo``): five rooms, four tracks, about sixty
sessions over the event's days, a released version 1 and a work in progress with changes
(two sessions moved, one cancelled, one new) waiting for version 2."""

from __future__ import annotations

import datetime as dt

from event.models import Event
from midsummer.contract import DemoConvention
from schedule.models import Panelist, Room, Speaker, Submission, Track
from schedule.services import release_create, slot_place, submission_decide
from schedule.timing import at_local

ROOMS = [
    ("Main Stage", 800, "Ballroom level"),
    ("Panel Room A", 150, "Ballroom level"),
    ("Panel Room B", 120, "Ballroom level"),
    ("Workshop Room", 40, "Tower, floor 3"),
    ("Gaming Hall", 200, "Tower, floor 3"),
]
TRACKS = [
    ("Fursuiting", "fursuiting", "#7c3aed"),
    ("Art & Craft", "art-craft", "#b45309"),
    ("Community", "community", "#047857"),
    ("Games & Music", "games-music", "#1d4ed8"),
]
TOPICS = [
    "Fursuit Maintenance 101",
    "Drawing Expressive Paws",
    "Running a Local Meet",
    "Retro Game Night",
    "Sewing Faux Fur Without Tears",
    "Digital Painting Live",
    "Cosplay & Fursuit Photography",
    "Charity Auction Preview",
    "DJ Workshop: Beatmatching",
    "Écriture & Storytelling: Crafting Characters",
    "Headbase Foam Sculpting",
    "Convention Volunteering Q&A",
]
PEOPLE = ["Robin Fox", "Kai Otter", "Sam Lynx", "Mika Wolf", "Jo Raccoon", "Ari Hare", "Lee Crow"]


def seed(demo: DemoConvention) -> None:
    """Idempotent: a convention that already has rooms keeps its programme."""
    event = Event.objects.filter(is_active=True).first()
    if event is None or Room.objects.filter(event=event).exists():
        return
    rooms = [
        Room.objects.create(event=event, name=name, capacity=cap, area=area, position=i)
        for i, (name, cap, area) in enumerate(ROOMS)
    ]
    tracks = [Track.objects.create(event=event, name=n, slug=s, colour=c) for n, s, c in TRACKS]
    speakers = [
        Speaker.objects.create(
            event=event,
            email=f"{name.split()[0].lower()}@{demo.key}.localhost",
            name=name,
            biography=f"{name} has been part of the fandom for years.",
        )
        for name in PEOPLE
    ]
    days = (event.end_date - event.start_date).days + 1
    starts = [dt.time(10, 0), dt.time(13, 0), dt.time(16, 0)]
    number = 0
    placed: list[Submission] = []
    for day in range(days):
        date = event.start_date + dt.timedelta(days=day)
        for clock in starts:
            for room_index, room in enumerate(rooms):
                if len(placed) >= 60:
                    break
                topic = TOPICS[number % len(TOPICS)]
                title = topic if number < len(TOPICS) else f"{topic} ({number // len(TOPICS) + 1})"
                submission = Submission.objects.create(
                    event=event,
                    title=title,
                    description=f"{topic}: a session for everyone curious about it.",
                    duration=90 if room_index == 0 else 60,
                    format=Submission.Format.PANEL,
                    track=tracks[number % len(tracks)],
                    recording_ok=room_index == 0,
                    expected_attendance=30 + 10 * (number % 7),
                )
                Panelist.objects.create(
                    submission=submission,
                    speaker=speakers[number % len(speakers)],
                    is_submitter=True,
                    status=Panelist.Status.CONFIRMED,
                )
                submission_decide(submission_id=submission.pk, status=Submission.Status.ACCEPTED)
                slot_place(
                    event=event,
                    submission_id=submission.pk,
                    room_id=room.pk,
                    start=at_local(date, clock, event),
                    accept_warnings=True,
                )
                placed.append(submission)
                number += 1
    # A late-night session that crosses midnight on the first evening.
    late = Submission.objects.create(
        event=event,
        title="Midnight Howl: Open Mic",
        description="Bring your best howl.",
        duration=90,
        format=Submission.Format.PERFORMANCE,
        track=tracks[3],
        status=Submission.Status.ACCEPTED,
    )
    Panelist.objects.create(
        submission=late, speaker=speakers[0], is_submitter=True, status=Panelist.Status.CONFIRMED
    )
    slot_place(
        event=event,
        submission_id=late.pk,
        room_id=rooms[0].pk,
        start=at_local(event.start_date, dt.time(23, 30), event),
        accept_warnings=True,
    )
    release_create(event=event, by_id=demo.admin.pk, comment="The first programme.")

    # The work in progress since: two sessions moved, one cancelled, one new.
    first_day = event.start_date
    slot_place(
        event=event,
        submission_id=placed[1].pk,
        room_id=rooms[2].pk,
        start=at_local(first_day, dt.time(19, 0), event),
        accept_warnings=True,
    )
    slot_place(
        event=event,
        submission_id=placed[7].pk,
        room_id=rooms[3].pk,
        start=at_local(first_day, dt.time(20, 30), event),
        accept_warnings=True,
    )
    submission_decide(submission_id=placed[4].pk, status=Submission.Status.DECLINED)
    new = Submission.objects.create(
        event=event,
        title="Guest of Honour Q&A",
        description="Questions for our guest of honour.",
        duration=60,
        format=Submission.Format.PANEL,
        track=tracks[2],
        status=Submission.Status.ACCEPTED,
        expected_attendance=500,
    )
    Panelist.objects.create(
        submission=new, speaker=speakers[1], is_submitter=True, status=Panelist.Status.CONFIRMED
    )
    slot_place(
        event=event,
        submission_id=new.pk,
        room_id=rooms[0].pk,
        start=at_local(first_day + dt.timedelta(days=1), dt.time(19, 0), event),
        accept_warnings=True,
    )
    # A submission still waiting for review.
    Submission.objects.create(
        event=event,
        title="Plushie Making for Beginners",
        description="Patterns, stuffing and stitches.",
        duration=120,
        format=Submission.Format.WORKSHOP,
        track=tracks[1],
    )
