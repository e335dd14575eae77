"""The day grid (rooms as columns, five-minute rows) as plain data for the templates: the
public programme and the planning editor draw the same grid."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from event.models import Event
from schedule.timing import ProgrammeDay, local

ROW_MINUTES = 5
LABEL_EVERY = 30  # minutes between time labels
# The page's Content-Security-Policy refuses style attributes, so the grid places its cells by
# class (``gc-3 gr-14 gs-12``) from one stylesheet: enough rows for a 36-hour day.
MOST_ROWS = 36 * 60 // ROW_MINUTES + 2
MOST_COLUMNS = 64


@dataclass(frozen=True)
class GridColumn:
    id: int
    name: str
    column: int


@dataclass(frozen=True)
class GridItem:
    item: Any  # a ReleasedSession or a Slot
    column: int
    row: int
    span: int
    start: dt.datetime  # on the event's clocks
    end: dt.datetime


@dataclass(frozen=True)
class GridLabel:
    text: str
    row: int
    span: int


@dataclass(frozen=True)
class DayGrid:
    day: ProgrammeDay
    columns: list[GridColumn]
    labels: list[GridLabel]
    items: list[GridItem]
    rows: int


def _floor_hour(moment: dt.datetime) -> dt.datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def day_grid(
    *,
    event: Event,
    day: ProgrammeDay,
    rooms: Sequence[tuple[int, str]],
    entries: Sequence[tuple[Any, int, dt.datetime, int]],
) -> DayGrid:
    """``entries``: (item, room id, start, minutes), in programme order. Rows start at the
    first session's hour and end at the last one's end, rounded up to the hour."""
    columns = [GridColumn(id=rid, name=name, column=i + 2) for i, (rid, name) in enumerate(rooms)]
    column_of = {c.id: c.column for c in columns}
    if entries:
        first = _floor_hour(min(local(start, event) for _, _, start, _ in entries))
        last_end = max(local(start, event) + dt.timedelta(minutes=m) for _, _, start, m in entries)
    else:
        first = _floor_hour(local(day.start, event)) + dt.timedelta(hours=4)
        last_end = first + dt.timedelta(hours=8)
    last = _floor_hour(last_end)
    if last < last_end:
        last += dt.timedelta(hours=1)
    rows = int((last - first).total_seconds() // 60 // ROW_MINUTES)
    labels = []
    moment = first
    while moment < last:
        offset = int((moment - first).total_seconds() // 60 // ROW_MINUTES)
        labels.append(
            GridLabel(
                text=moment.strftime("%H:%M"), row=offset + 2, span=LABEL_EVERY // ROW_MINUTES
            )
        )
        moment += dt.timedelta(minutes=LABEL_EVERY)
    items = []
    for item, room_id, start, minutes in entries:
        begins = local(start, event)
        offset = int((begins - first).total_seconds() // 60 // ROW_MINUTES)
        items.append(
            GridItem(
                item=item,
                column=column_of.get(room_id, 2),
                row=offset + 2,
                span=max(1, -(-minutes // ROW_MINUTES)),
                start=begins,
                end=begins + dt.timedelta(minutes=minutes),
            )
        )
    return DayGrid(day=day, columns=columns, labels=labels, items=items, rows=rows)


def colour_class(colour: str) -> str:
    """The class giving a track's colour (``tc-5b21b6``), or nothing for a value that is not
    ``#rrggbb``."""
    if (
        len(colour) == 7
        and colour.startswith("#")
        and all(c in "0123456789abcdefABCDEF" for c in colour[1:])
    ):
        return "tc-" + colour[1:].lower()
    return ""


def layout_stylesheet(*, colours: Sequence[str]) -> str:
    """The CSS behind the grid's placement classes and the tracks' colour classes."""
    rules = [f".gc-{n}{{grid-column:{n}}}" for n in range(1, MOST_COLUMNS + 1)]
    rules += [f".gr-{n}{{grid-row-start:{n}}}" for n in range(1, MOST_ROWS + 1)]
    rules += [f".gs-{n}{{grid-row-end:span {n}}}" for n in range(1, MOST_ROWS + 1)]
    for colour in sorted({c.lower() for c in colours}):
        name = colour_class(colour)
        if name:
            rules.append(f".{name}{{--track:{colour}}}")
    return "\n".join(rules) + "\n"
