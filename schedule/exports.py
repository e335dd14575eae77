"""The programme in the formats other software reads, built from one release.

- ``schedule.xml``: the frab/c3voc XML (Giggity, ConfClerk, the recording teams' tracker),
  kept to the elements every version of the c3voc XSD accepts;
- ``schedule.json``: the c3voc schedule JSON;
- ``schedule.xcal``: xCal (RFC 6321), ``schedule.ics``: iCalendar (``icalendar``);
- ``programme.csv``: one row per session, for the programme book.

Ids are the submissions' (stable integers), GUIDs the submissions' and rooms' UUIDs (stable
across releases). Every time is in the event's time zone, with its offset.
"""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET  # noqa: S405 - we only write XML here, never parse it
from collections.abc import Iterable
from typing import Any

import icalendar
from django.utils.text import slugify

from event.models import Event
from schedule.models import Release, ReleasedSession
from schedule.selectors import sessions_by_day
from schedule.timing import clock_hhmm, duration_hmm, local, programme_days
from tenant.exports import csv_writer

GENERATOR = "Midsummer"
TIMESLOT = "00:05"
ICAL_PRODID = "-//Midsummer//Programme//EN"


def acronym_of(event: Event) -> str:
    """The c3voc acronym: lower-case letters, digits and underscores, at least four long."""
    text = "".join(c if c.isascii() and c.isalnum() else "_" for c in event.slug.lower())
    text = "_".join(part for part in text.split("_") if part) or "con"
    return text.ljust(4, "_")


def session_slug(session: ReleasedSession, acronym: str) -> str:
    """``<acronym>-<id>-<title>``, ASCII, unique per export (it carries the id)."""
    title = slugify(session.title)[:50].strip("-_")
    rest = f"{session.submission_id}-{title}" if title else f"session-{session.submission_id}"
    if len(rest) < 4:
        rest = f"session-{rest}"
    return f"{acronym}-{rest}".rstrip("-_")


def session_end(session: ReleasedSession) -> dt.datetime:
    return session.start + dt.timedelta(minutes=session.duration)


def _iso(moment: dt.datetime, event: Event) -> str:
    return local(moment, event).isoformat()


def _rooms_in_order(sessions: Iterable[ReleasedSession]) -> list[tuple[int, str, str, int]]:
    """(room id, name, guid, capacity) of the rooms the sessions use, in column order."""
    rooms: dict[int, tuple[int, str, int, str, int]] = {}
    for s in sessions:
        rooms.setdefault(
            s.room_id, (s.room_position, s.room_name, s.room_id, str(s.room_guid), s.room_capacity)
        )
    return [(r[2], r[1], r[3], r[4]) for r in sorted(rooms.values())]


def _xml_bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body


# --- frab / c3voc XML ---------------------------------------------------------------------------
def _text(parent: ET.Element, tag: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = value
    return element


def schedule_xml(
    *, event: Event, release: Release, sessions: list[ReleasedSession], site_url: str
) -> bytes:
    acronym = acronym_of(event)
    days = programme_days(event)
    root = ET.Element("schedule")
    _text(root, "version", str(release.version))
    conference = ET.SubElement(root, "conference")
    _text(conference, "title", event.name)
    _text(conference, "acronym", acronym)
    _text(conference, "start", event.start_date.isoformat())
    _text(conference, "end", event.end_date.isoformat())
    _text(conference, "days", str(len(days)))
    _text(conference, "timeslot_duration", TIMESLOT)
    rooms = _rooms_in_order(sessions)
    for day in sessions_by_day(event=event, sessions=sessions):
        day_element = ET.SubElement(
            root,
            "day",
            index=str(day.day.index),
            date=day.day.date.isoformat(),
            start=day.day.start.isoformat(),
            end=day.day.end.isoformat(),
        )
        for room_id, room_name, _guid, _capacity in rooms:
            in_room = [s for s in day.sessions if s.room_id == room_id]
            if not in_room:
                continue
            room_element = ET.SubElement(day_element, "room", name=room_name)
            for s in in_room:
                _session_xml(room_element, s, event=event, acronym=acronym, site_url=site_url)
    return _xml_bytes(root)


def _session_xml(
    parent: ET.Element, s: ReleasedSession, *, event: Event, acronym: str, site_url: str
) -> None:
    element = ET.SubElement(parent, "event", id=str(s.submission_id), guid=str(s.guid))
    _text(element, "date", _iso(s.start, event))
    _text(element, "start", clock_hhmm(s.start, event))
    _text(element, "duration", duration_hmm(s.duration))
    _text(element, "room", s.room_name)
    _text(element, "slug", session_slug(s, acronym))
    _text(element, "title", s.title)
    _text(element, "subtitle", "")
    _text(element, "track", s.track_name)
    _text(element, "type", s.format)
    _text(element, "language", "en")
    _text(element, "abstract", s.description)
    _text(element, "description", "")
    recording = ET.SubElement(element, "recording")
    _text(recording, "license", "")
    _text(recording, "optout", "false" if s.recording_ok else "true")
    persons = ET.SubElement(element, "persons")
    for person in s.speakers:
        _text(persons, "person", person["name"]).set("id", str(person["id"]))
    links = ET.SubElement(element, "links")
    _text(links, "link", "Session page").set("href", site_url + _session_path(s))


def _session_path(s: ReleasedSession) -> str:
    from django.urls import reverse

    return reverse("schedule:session", kwargs={"code": s.code})


def _speaker_path(code: str) -> str:
    from django.urls import reverse

    return reverse("schedule:speaker", kwargs={"code": code})


# --- c3voc JSON ---------------------------------------------------------------------------------
def schedule_json(
    *, event: Event, release: Release, sessions: list[ReleasedSession], site_url: str
) -> dict[str, Any]:
    acronym = acronym_of(event)
    rooms = _rooms_in_order(sessions)
    tracks: dict[str, dict[str, str]] = {}
    for s in sessions:
        if s.track_name and s.track_name not in tracks:
            tracks[s.track_name] = {"name": s.track_name, "color": s.track_colour}
            if s.track_slug:
                tracks[s.track_name]["slug"] = s.track_slug
    days = []
    for day in sessions_by_day(event=event, sessions=sessions):
        by_room: dict[str, list[dict[str, Any]]] = {name: [] for _, name, _, _ in rooms}
        for s in day.sessions:
            by_room[s.room_name].append(
                _session_json(s, event=event, acronym=acronym, site_url=site_url)
            )
        days.append(
            {
                "index": day.day.index,
                "date": day.day.date.isoformat(),
                "day_start": day.day.start.isoformat(),
                "day_end": day.day.end.isoformat(),
                "rooms": by_room,
            }
        )
    return {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": GENERATOR, "version": str(release.version)},
        "schedule": {
            "version": str(release.version),
            "base_url": site_url + "/",
            "conference": {
                "acronym": acronym,
                "title": event.name,
                "start": event.start_date.isoformat(),
                "end": event.end_date.isoformat(),
                "daysCount": len(days),
                "timeslot_duration": TIMESLOT,
                "time_zone_name": event.timezone,
                "url": site_url + "/schedule/",
                "tracks": list(tracks.values()),
                "rooms": [
                    {"name": name, "guid": guid, "capacity": capacity or None}
                    for _, name, guid, capacity in rooms
                ],
                "days": days,
            },
        },
    }


def _session_json(
    s: ReleasedSession, *, event: Event, acronym: str, site_url: str
) -> dict[str, Any]:
    return {
        "guid": str(s.guid),
        "id": s.submission_id,
        "date": _iso(s.start, event),
        "start": clock_hhmm(s.start, event),
        "duration": duration_hmm(s.duration),
        "room": s.room_name,
        "slug": session_slug(s, acronym),
        "url": site_url + _session_path(s),
        "title": s.title,
        "subtitle": "",
        "track": s.track_name or None,
        "type": s.format,
        "language": "en",
        "abstract": s.description,
        "description": "",
        "recording_license": "",
        "do_not_record": not s.recording_ok,
        "persons": [
            {
                "code": person["code"],
                "guid": person["guid"],
                "name": person["name"],
                "biography": person.get("biography") or "",
            }
            for person in s.speakers
        ],
        "links": [],
        "attachments": [],
    }


# --- iCalendar and xCal -------------------------------------------------------------------------
def _describe(s: ReleasedSession, site_url: str) -> str:
    people = ", ".join(person["name"] for person in s.speakers)
    return "\n\n".join(
        part for part in (people, s.description, site_url + _session_path(s)) if part
    )


def schedule_ical(
    *, event: Event, sessions: Iterable[ReleasedSession], name: str, site_url: str
) -> bytes:
    """An iCalendar feed of ``sessions``: one VEVENT each, UID from the session's GUID (stable
    across releases, so calendar apps update rather than duplicate), times with the event's
    time zone."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", ICAL_PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", event.timezone)
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for s in sessions:
        entry = icalendar.Event()
        entry.add("uid", f"{s.guid}@midsummer")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", local(s.start, event))
        entry.add("dtend", local(session_end(s), event))
        entry.add("summary", s.title)
        entry.add("location", s.room_name)
        entry.add("description", _describe(s, site_url))
        entry.add("url", site_url + _session_path(s))
        if s.track_name:
            entry.add("categories", [s.track_name])
        calendar.add_component(entry)
    calendar.add_missing_timezones()
    body: bytes = calendar.to_ical()
    return body


XCAL_NS = "urn:ietf:params:xml:ns:icalendar-2.0"


def schedule_xcal(
    *, event: Event, sessions: Iterable[ReleasedSession], name: str, site_url: str
) -> bytes:
    """xCal (RFC 6321): the iCalendar data as XML, times with their zone's offset."""
    ET.register_namespace("", XCAL_NS)

    def q(tag: str) -> str:
        return f"{{{XCAL_NS}}}{tag}"

    root = ET.Element(q("icalendar"))
    vcalendar = ET.SubElement(root, q("vcalendar"))
    properties = ET.SubElement(vcalendar, q("properties"))
    for tag, value in (("prodid", ICAL_PRODID), ("version", "2.0"), ("x-wr-calname", name)):
        ET.SubElement(ET.SubElement(properties, q(tag)), q("text")).text = value
    components = ET.SubElement(vcalendar, q("components"))
    for s in sessions:
        vevent = ET.SubElement(components, q("vevent"))
        props = ET.SubElement(vevent, q("properties"))
        values = (
            ("uid", "text", f"{s.guid}@midsummer"),
            ("dtstart", "date-time", _iso(s.start, event)),
            ("dtend", "date-time", _iso(session_end(s), event)),
            ("summary", "text", s.title),
            ("location", "text", s.room_name),
            ("description", "text", _describe(s, site_url)),
            ("url", "uri", site_url + _session_path(s)),
        )
        for tag, kind, value in values:
            ET.SubElement(ET.SubElement(props, q(tag)), q(kind)).text = value
    return _xml_bytes(root)


# --- CSV for the programme book -----------------------------------------------------------------
CSV_COLUMNS = ["Day", "Date", "Start", "End", "Room", "Track", "Title", "Panelists", "Rating"]


def programme_csv(*, event: Event, sessions: Iterable[ReleasedSession]) -> str:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(CSV_COLUMNS)
    for day in sessions_by_day(event=event, sessions=sessions):
        for s in day.sessions:
            writer.writerow(
                [
                    day.day.index,
                    day.day.date.isoformat(),
                    clock_hhmm(s.start, event),
                    clock_hhmm(session_end(s), event),
                    s.room_name,
                    s.track_name,
                    s.title,
                    "; ".join(person["name"] for person in s.speakers),
                    s.content_rating,
                ]
            )
    return out.getvalue()
