"""Planning warnings, computed in one place (the grid editor, the placement form, the admin and
the release page all ask here).

A warning is something the programming lead may knowingly accept (two panels in one room,
a panelist in two places); times that are impossible are refused by the services instead.
Each warning has a stable ``key`` so that an accepted one stays accepted until one of its
sessions moves.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from event.models import Event
from schedule.timing import local

# Less time than this between two panels of one person, in different areas, is too tight.
FAR_ROOM_GAP = dt.timedelta(minutes=15)

Window = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class Placement:
    """One placed session, with what the checks need to know about it."""

    submission_id: int
    title: str
    room_id: int
    room_name: str
    room_area: str
    room_capacity: int
    start: dt.datetime
    end: dt.datetime
    expected_attendance: int = 0
    speakers: dict[int, str] = field(default_factory=dict)  # speaker id → name
    speaker_windows: tuple[Window, ...] = ()  # the submitters' availability (empty: any time)
    room_windows: tuple[Window, ...] = ()  # the room's availability (empty: any time)
    accepted: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PlanningWarning:
    kind: str
    key: str
    submission_ids: tuple[int, ...]
    message: str
    accepted: bool = False


KINDS = (
    "room_double_booked",
    "panelist_double_booked",
    "outside_panelist_availability",
    "outside_room_availability",
    "room_too_small",
    "far_back_to_back",
)


def _overlaps(a: Placement, b: Placement) -> bool:
    return a.start < b.end and b.start < a.end


def _within(windows: tuple[Window, ...], start: dt.datetime, end: dt.datetime) -> bool:
    return not windows or any(s <= start and end <= e for s, e in windows)


def _when(p: Placement, event: Event) -> str:
    start, end = local(p.start, event), local(p.end, event)
    return f"{date_format(start, 'D j M H:i')}–{end:%H:%M}"


def _make(kind: str, placements: list[Placement], message: str, extra: str = "") -> PlanningWarning:
    ids = tuple(sorted(p.submission_id for p in placements))
    key = ":".join([kind, *map(str, ids), *([extra] if extra else [])])
    accepted = all(key in p.accepted for p in placements)
    return PlanningWarning(
        kind=kind, key=key, submission_ids=ids, message=message, accepted=accepted
    )


def _pairs_overlapping(items: list[Placement]) -> Iterable[tuple[Placement, Placement]]:
    """Every overlapping pair, the same start and length included (pretalx #1266, #777)."""
    ordered = sorted(items, key=lambda p: (p.start, p.submission_id))
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if second.start >= first.end:
                break
            yield first, second


def schedule_warnings(placements: Iterable[Placement], *, event: Event) -> list[PlanningWarning]:
    """Every warning about these placements, in a stable order (by kind, then sessions)."""
    placements = list(placements)
    found: list[PlanningWarning] = []
    by_room: dict[int, list[Placement]] = defaultdict(list)
    by_speaker: dict[int, list[Placement]] = defaultdict(list)
    for p in placements:
        by_room[p.room_id].append(p)
        for speaker_id in p.speakers:
            by_speaker[speaker_id].append(p)

    for items in by_room.values():
        for a, b in _pairs_overlapping(items):
            found.append(
                _make(
                    "room_double_booked",
                    [a, b],
                    _("%(room)s is double-booked: “%(a)s” (%(a_when)s) and “%(b)s” (%(b_when)s).")
                    % {
                        "room": a.room_name,
                        "a": a.title,
                        "a_when": _when(a, event),
                        "b": b.title,
                        "b_when": _when(b, event),
                    },
                )
            )

    for speaker_id, items in by_speaker.items():
        for a, b in _pairs_overlapping(items):
            found.append(
                _make(
                    "panelist_double_booked",
                    [a, b],
                    _("%(name)s is on “%(a)s” (%(a_when)s) and “%(b)s” (%(b_when)s) at once.")
                    % {
                        "name": a.speakers[speaker_id],
                        "a": a.title,
                        "a_when": _when(a, event),
                        "b": b.title,
                        "b_when": _when(b, event),
                    },
                    extra=str(speaker_id),
                )
            )
        ordered = sorted(items, key=lambda p: p.start)
        for a, b in zip(ordered, ordered[1:], strict=False):
            gap = b.start - a.end
            far = a.room_area and b.room_area and a.room_area != b.room_area
            if far and dt.timedelta(0) <= gap < FAR_ROOM_GAP:
                found.append(
                    _make(
                        "far_back_to_back",
                        [a, b],
                        _(
                            "%(name)s has %(minutes)d minutes to get from %(a_room)s (%(a_area)s) "
                            "to %(b_room)s (%(b_area)s) between “%(a)s” and “%(b)s”."
                        )
                        % {
                            "name": a.speakers[speaker_id],
                            "minutes": gap.total_seconds() // 60,
                            "a_room": a.room_name,
                            "a_area": a.room_area,
                            "b_room": b.room_name,
                            "b_area": b.room_area,
                            "a": a.title,
                            "b": b.title,
                        },
                        extra=str(speaker_id),
                    )
                )

    for p in placements:
        if not _within(p.speaker_windows, p.start, p.end):
            found.append(
                _make(
                    "outside_panelist_availability",
                    [p],
                    _("“%(title)s” (%(when)s) is outside the panelists' availability.")
                    % {"title": p.title, "when": _when(p, event)},
                )
            )
        if not _within(p.room_windows, p.start, p.end):
            found.append(
                _make(
                    "outside_room_availability",
                    [p],
                    _("“%(title)s” (%(when)s) is outside the times %(room)s is available.")
                    % {"title": p.title, "when": _when(p, event), "room": p.room_name},
                )
            )
        if p.room_capacity and p.expected_attendance > p.room_capacity:
            found.append(
                _make(
                    "room_too_small",
                    [p],
                    _("%(room)s seats %(capacity)d; “%(title)s” expects %(expected)d.")
                    % {
                        "room": p.room_name,
                        "capacity": p.room_capacity,
                        "title": p.title,
                        "expected": p.expected_attendance,
                    },
                )
            )
    return sorted(found, key=lambda w: (KINDS.index(w.kind), w.submission_ids, w.key))
