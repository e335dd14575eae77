"""Reads of the schedule app. None of them writes."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Prefetch, Q, QuerySet

from event.models import Event
from schedule.models import (
    CalendarFeedKey,
    Favourite,
    Panelist,
    Release,
    ReleasedSession,
    Review,
    Room,
    Slot,
    Speaker,
    Submission,
    Track,
)
from schedule.timing import ProgrammeDay, programme_date, programme_days
from schedule.warnings import Placement, PlanningWarning, schedule_warnings


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# --- releases (what the public sees) -----------------------------------------------------------
def latest_release(*, event: Event) -> Release | None:
    return Release.objects.filter(event=event).order_by("-version").first()


def release_of_version(*, event: Event, version: int) -> Release | None:
    return Release.objects.filter(event=event, version=version).first()


def releases(*, event: Event) -> QuerySet[Release]:
    return Release.objects.filter(event=event).order_by("-version")


def released_sessions(
    *, release: Release, track: str = "", room: int | None = None
) -> QuerySet[ReleasedSession]:
    """The release's sessions in programme order, optionally of one track (slug) or room."""
    sessions = release.sessions.order_by("start", "room_position", "room_name", "title")
    if track:
        sessions = sessions.filter(track_slug=track)
    if room is not None:
        sessions = sessions.filter(room_id=room)
    return sessions


def released_rooms(*, release: Release) -> list[dict[str, Any]]:
    """The rooms of the release's programme, as it froze them (name, seats, column order), in
    column order. Rooms without a released session are not public yet."""
    rooms = (
        release.sessions.order_by("room_position", "room_name")
        .values("room_guid", "room_name", "room_position", "room_capacity")
        .distinct()
    )
    return [dict(room) for room in rooms]


def released_session(*, release: Release, code: str) -> ReleasedSession | None:
    return release.sessions.filter(code=code).first()


def sessions_of_speaker(*, release: Release, code: str) -> QuerySet[ReleasedSession]:
    return released_sessions(release=release).filter(speakers__contains=[{"code": code}])


def sessions_with_ids(*, release: Release, submission_ids: Iterable[int]) -> list[ReleasedSession]:
    ids = list(submission_ids)
    if not ids:
        return []
    return list(released_sessions(release=release).filter(submission_id__in=ids))


@dataclass(frozen=True)
class DayOfSessions:
    day: ProgrammeDay
    sessions: list[ReleasedSession]


def sessions_by_day(*, event: Event, sessions: Iterable[ReleasedSession]) -> list[DayOfSessions]:
    """Every programme day with its sessions (a session after midnight counts for the evening
    it belongs to)."""
    by_date: dict[dt.date, list[ReleasedSession]] = {}
    for session in sessions:
        by_date.setdefault(programme_date(session.start, event), []).append(session)
    return [DayOfSessions(day, by_date.get(day.date, [])) for day in programme_days(event)]


def now_and_next(
    *, release: Release, now: dt.datetime, horizon: dt.timedelta = dt.timedelta(hours=3)
) -> tuple[list[ReleasedSession], list[ReleasedSession]]:
    """Sessions running at ``now``, and each room's next one starting within ``horizon``."""
    candidates = list(
        released_sessions(release=release).filter(
            start__lt=now + horizon, start__gte=now - dt.timedelta(minutes=12 * 60)
        )
    )
    running = [s for s in candidates if s.start <= now < s.start + dt.timedelta(minutes=s.duration)]
    upcoming: dict[int, ReleasedSession] = {}
    for session in candidates:
        if session.start > now and session.room_id not in upcoming:
            upcoming[session.room_id] = session
    return running, sorted(upcoming.values(), key=lambda s: (s.start, s.room_position))


# --- the call for panels ------------------------------------------------------------------------
def submissions_of_account(*, event: Event, account_id: int) -> QuerySet[Submission]:
    """Submissions the account is a panelist on (submitted or invited to)."""
    return (
        Submission.objects.filter(event=event, panelists__speaker__account_id=account_id)
        .select_related("track")
        .prefetch_related("panelists__speaker")
        .distinct()
        .order_by("-created_at")
    )


def submission_of_account(*, code: str, account_id: int) -> Submission | None:
    return (
        Submission.objects.filter(code=code, panelists__speaker__account_id=account_id)
        .select_related("track", "event")
        .prefetch_related("panelists__speaker", "availabilities")
        .distinct()
        .first()
    )


def panelist_of_account(*, submission: Submission, account_id: int) -> Panelist | None:
    return submission.panelists.filter(speaker__account_id=account_id).first()


def panelist_by_invite_token(*, token: str) -> Panelist | None:
    if not token:
        return None
    return (
        Panelist.objects.select_related("submission__event", "speaker")
        .filter(invite_token_hash=secret_hash(token), status=Panelist.Status.INVITED)
        .first()
    )


def submissions_for_review(*, event: Event, reviewer_id: int) -> QuerySet[Submission]:
    """Every submission with its average score, number of reviews and this reviewer's own."""
    return (
        Submission.objects.filter(event=event)
        .exclude(status=Submission.Status.WITHDRAWN)
        .select_related("track")
        .annotate(
            average_score=Avg("reviews__score"),
            review_count=Count("reviews"),
        )
        .prefetch_related(
            Prefetch(
                "reviews",
                queryset=Review.objects.filter(reviewer_id=reviewer_id),
                to_attr="my_reviews",
            ),
            "panelists__speaker",
        )
        .order_by("status", "title")
    )


# --- planning (the work in progress) ------------------------------------------------------------
def track_colours(*, event: Event) -> list[str]:
    """The colours of the event's tracks (those its released sessions carry included)."""
    tracks = Track.objects.filter(event=event).values_list("colour", flat=True)
    released = ReleasedSession.objects.filter(release__event=event).exclude(track_colour="")
    return sorted(set(tracks) | set(released.values_list("track_colour", flat=True).distinct()))


def rooms_of(*, event: Event) -> QuerySet[Room]:
    return Room.objects.filter(event=event).order_by("position", "name")


def wip_slots(*, event: Event) -> QuerySet[Slot]:
    return (
        Slot.objects.filter(submission__event=event)
        .select_related("submission__track", "room")
        .prefetch_related(
            "submission__availabilities",
            "room__availabilities",
            Prefetch(
                "submission__panelists",
                queryset=Panelist.objects.exclude(status=Panelist.Status.DECLINED).select_related(
                    "speaker"
                ),
            ),
        )
        .order_by("start", "room__position")
    )


def unplaced_sessions(*, event: Event) -> QuerySet[Submission]:
    return (
        Submission.objects.filter(event=event, status=Submission.Status.ACCEPTED, slot__isnull=True)
        .select_related("track")
        .order_by("title")
    )


def placement_of(slot: Slot) -> Placement:
    submission, room = slot.submission, slot.room
    return Placement(
        submission_id=submission.pk,
        title=submission.title,
        room_id=room.pk,
        room_name=room.name,
        room_area=room.area,
        room_capacity=room.capacity,
        start=slot.start,
        end=slot.start + dt.timedelta(minutes=submission.duration),
        expected_attendance=submission.expected_attendance,
        speakers={p.speaker_id: p.speaker.name for p in submission.panelists.all()},
        speaker_windows=tuple((w.start, w.end) for w in submission.availabilities.all()),
        room_windows=tuple((w.start, w.end) for w in room.availabilities.all()),
        accepted=frozenset(slot.accepted_warnings),
    )


def wip_placements(*, event: Event) -> list[Placement]:
    return [placement_of(slot) for slot in wip_slots(event=event)]


def wip_warnings(*, event: Event) -> list[PlanningWarning]:
    return schedule_warnings(wip_placements(event=event), event=event)


# --- attendees ----------------------------------------------------------------------------------
def favourite_submission_ids(*, account_id: int | None) -> set[int]:
    if account_id is None:
        return set()
    return set(
        Favourite.objects.filter(account_id=account_id).values_list("submission_id", flat=True)
    )


def panel_submission_ids(*, event: Event, account_id: int | None) -> set[int]:
    """Submissions on which the account is a confirmed panelist."""
    if account_id is None:
        return set()
    return set(
        Panelist.objects.filter(
            submission__event=event,
            speaker__account_id=account_id,
            status=Panelist.Status.CONFIRMED,
        ).values_list("submission_id", flat=True)
    )


def feed_key_of_account(*, account_id: int) -> CalendarFeedKey | None:
    return CalendarFeedKey.objects.filter(account_id=account_id).first()


def feed_key_by_token(*, token: str) -> CalendarFeedKey | None:
    if not token:
        return None
    return CalendarFeedKey.objects.filter(lookup=secret_hash(token)).first()


def speaker_of_account(*, event: Event, account_id: int) -> Speaker | None:
    return Speaker.objects.filter(event=event, account_id=account_id).first()


def submission_counts(*, event: Event) -> dict[str, int]:
    rows = Submission.objects.filter(event=event).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def personal_submissions(*, account_id: int, email: str) -> QuerySet[Speaker]:
    return Speaker.objects.filter(
        Q(account_id=account_id) | Q(email__iexact=email)
    ).prefetch_related("panels__submission__availabilities")
