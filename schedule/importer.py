"""Reading an existing schedule from a spreadsheet (Guidebook's CSV/XLSX template).

Columns, by header (case and the "(Optional)" suffix do not matter): *Session Title*, *Date*,
*Time Start*, *Time End*, *Room/Location*, and optionally *Schedule Track*, *Description* and
*Presenters* ("Name <email>; Name"). Dates as 2027-03-28 or 03/28/2027, times as 14:30 or
2:30 PM, on the event's clocks; an end at or before the start on the same date is after
midnight. A row that cannot be read names its row and column, and nothing is imported.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from event.models import Event
from schedule.services import ImportedRow
from schedule.timing import at_local

REQUIRED = {
    "title": ("session title", "title"),
    "date": ("date",),
    "start": ("time start", "start time", "start"),
    "end": ("time end", "end time", "end"),
    "room": ("room/location", "room", "location"),
}
OPTIONAL = {
    "track": ("schedule track", "schedule tracks", "track"),
    "description": ("description",),
    "presenters": ("presenters", "panelists", "speakers"),
}
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y")
TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M%p", "%I %p")
PRESENTER = re.compile(r"^\s*(?P<name>[^<]*?)\s*(?:<(?P<email>[^>]+)>)?\s*$")


def _header_key(text: str) -> str:
    return re.sub(r"\(optional\)", "", str(text or ""), flags=re.I).strip().lower()


def _columns(header: list[str]) -> dict[str, int]:
    keys = [_header_key(h) for h in header]
    found: dict[str, int] = {}
    for name, aliases in (REQUIRED | OPTIONAL).items():
        for alias in aliases:
            if alias in keys:
                found[name] = keys.index(alias)
                break
    missing = [REQUIRED[name][0] for name in REQUIRED if name not in found]
    if missing:
        raise ValidationError(
            _("Row 1: missing column(s): %(columns)s.")
            % {"columns": ", ".join(m.title() for m in missing)}
        )
    return found


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(str(value).strip(), fmt).date()  # noqa: DTZ007 - a date
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a date (2027-03-28 or 03/28/2027).") % {"value": value})


def _time(value: object) -> dt.time:
    if isinstance(value, dt.datetime):
        return value.time()
    if isinstance(value, dt.time):
        return value
    for fmt in TIME_FORMATS:
        try:
            return dt.datetime.strptime(str(value).strip().upper(), fmt).time()  # noqa: DTZ007
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a time (14:30 or 2:30 PM).") % {"value": value})


def _presenters(value: str) -> tuple[tuple[str, str], ...]:
    people = []
    for part in re.split(r"[;\n]", value):
        match = PRESENTER.match(part)
        if match and (match["name"] or match["email"]):
            people.append((match["name"] or match["email"], (match["email"] or "").strip()))
    return tuple(people)


def rows_from_table(*, event: Event, table: Iterable[list[object]]) -> list[ImportedRow]:
    """Read every row (the first is the header); the first problem found is raised, naming its
    row (1 is the header) and column."""
    rows = iter(table)
    header = next(rows, None)
    if header is None:
        raise ValidationError(_("The file is empty."))
    columns = _columns([str(h or "") for h in header])
    out = []
    for number, raw in enumerate(rows, start=2):
        cells = list(raw)
        if not any(str(c or "").strip() for c in cells):
            continue

        def cell(name: str, cells: list[object] = cells) -> object:
            index = columns.get(name)
            return cells[index] if index is not None and index < len(cells) else ""

        def fail(name: str, message: str, number: int = number) -> ValidationError:
            heading = str(header[columns[name]])
            return ValidationError(
                _("Row %(row)d, column “%(column)s”: %(message)s")
                % {"row": number, "column": heading, "message": message}
            )

        title = str(cell("title") or "").strip()
        if not title:
            raise fail("title", _("a session needs a title."))
        room = str(cell("room") or "").strip()
        if not room:
            raise fail("room", _("a session needs a room."))
        try:
            date = _date(cell("date"))
        except ValueError as error:
            raise fail("date", str(error)) from error
        parsed = {}
        for name in ("start", "end"):
            try:
                parsed[name] = _time(cell(name))
            except ValueError as error:
                raise fail(name, str(error)) from error
        start = at_local(date, parsed["start"], event)
        end = at_local(date, parsed["end"], event)
        if end <= start:
            end += dt.timedelta(days=1)  # ends after midnight
        out.append(
            ImportedRow(
                row=number,
                title=title[:200],
                start=start,
                end=end,
                room=room[:100],
                track=str(cell("track") or "").strip()[:100],
                description=str(cell("description") or "").strip(),
                presenters=_presenters(str(cell("presenters") or "")),
            )
        )
    if not out:
        raise ValidationError(_("The file has no sessions."))
    return out


def read_table(*, name: str, content: bytes) -> list[list[object]]:
    """The cells of a CSV (UTF-8) or XLSX file's first sheet."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
            raise ValidationError(_("This is not a readable XLSX file.")) from error
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(_("Save the CSV file as UTF-8.")) from error
    return [list(row) for row in csv.reader(io.StringIO(text))]
