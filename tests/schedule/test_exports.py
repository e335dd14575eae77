"""The exports: valid against the c3voc XSD and JSON schema (copies in c3voc/, EUPL-1.2), the
format rules checked in code too, stable GUIDs across releases, midnight, non-ASCII, iCal."""

import csv
import datetime as dt
import io
import json
import re
import uuid
from pathlib import Path

import icalendar
import jsonschema
import pytest
from django_tenants.utils import tenant_context
from lxml import etree

from schedule.models import Slot
from schedule.services import release_create, slot_place
from tests.factories.schedule import SpeakerFactory, SubmissionFactory, on_panel
from tests.schedule.conftest import at, make_programme

C3VOC = Path(__file__).parent / "c3voc"
XSD = etree.XMLSchema(etree.parse(str(C3VOC / "schedule.xml.xsd")))
JSON_SCHEMA = json.loads((C3VOC / "schema.json").read_text())


def _xml(client) -> etree._ElementTree:
    response = client.get("/schedule/export/schedule.xml")
    assert response.status_code == 200
    return etree.parse(io.BytesIO(response.content))


def _json(client) -> dict:
    response = client.get("/schedule/export/schedule.json")
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.fixture
def late_and_foreign(tenant_a):
    """A programme with a session crossing midnight and one with a non-ASCII title."""
    with tenant_context(tenant_a):
        p = make_programme(release=False)
        late = SubmissionFactory(
            event=p.event, title="Mitternachts-Geheul: Ünïcödé 🐺 夜", duration=90
        )
        on_panel(late, SpeakerFactory(event=p.event, name="Zoë Łoś"))
        Slot.objects.create(submission=late, room=p.rooms[0], start=at(p.event, 1, "23:30"))
        release_create(event=p.event, by_id=None)
    return p, late


def test_schedule_xml_is_valid_against_the_c3voc_xsd(client_a, late_and_foreign):
    document = _xml(client_a)

    assert XSD.validate(document), XSD.error_log


def test_schedule_json_is_valid_against_the_c3voc_schema(client_a, late_and_foreign):
    document = _json(client_a)

    validator = jsonschema.Draft6Validator(JSON_SCHEMA, format_checker=jsonschema.FormatChecker())
    assert [error.message for error in validator.iter_errors(document)] == []


def test_xml_events_follow_the_format_rules(client_a, late_and_foreign):
    events = _xml(client_a).findall("day/room/event")

    ids = [e.get("id") for e in events]
    guids = [e.get("guid") for e in events]
    assert len(events) == 4
    assert all(re.fullmatch(r"[1-9][0-9]*", i) for i in ids) and len(set(ids)) == 4
    assert all(str(uuid.UUID(g)) == g for g in guids) and len(set(guids)) == 4
    assert all(re.fullmatch(r"\d\d:\d\d", e.findtext("start")) for e in events)
    assert all(re.fullmatch(r"\d{1,2}:\d\d", e.findtext("duration")) for e in events)
    assert sorted(e.findtext("duration") for e in events) == ["0:30", "0:30", "0:30", "1:30"]


def test_days_start_and_end_at_six_with_the_events_offset(client_a, late_and_foreign):
    days = _xml(client_a).findall("day")

    assert [d.get("index") for d in days] == ["1", "2", "3", "4"]
    assert days[0].get("start") == "2031-07-01T06:00:00-04:00"
    assert days[0].get("end") == "2031-07-02T06:00:00-04:00"


def test_a_session_after_midnight_belongs_to_the_evening_it_started(client_a, late_and_foreign):
    _, late = late_and_foreign

    day_one = _json(client_a)["schedule"]["conference"]["days"][0]

    session = next(s for s in day_one["rooms"]["Main Stage"] if s["id"] == late.pk)
    assert (session["date"], session["start"], session["duration"]) == (
        "2031-07-01T23:30:00-04:00",
        "23:30",
        "1:30",
    )


def test_non_ascii_titles_and_names_survive_every_export(client_a, late_and_foreign):
    title = "Mitternachts-Geheul: Ünïcödé 🐺 夜"

    xml_titles = [e.findtext("title") for e in _xml(client_a).findall("day/room/event")]
    json_text = json.dumps(_json(client_a), ensure_ascii=False)
    calendar = icalendar.Calendar.from_ical(client_a.get("/schedule/export/schedule.ics").content)
    csv_rows = list(
        csv.reader(
            io.StringIO(client_a.get("/schedule/export/programme.csv").content.decode("utf-8-sig"))
        )
    )

    assert title in xml_titles
    assert title in json_text and "Zoë Łoś" in json_text
    assert title in [str(e["summary"]) for e in calendar.walk("VEVENT")]
    assert title in [row[6] for row in csv_rows]


def test_guids_and_ids_are_stable_across_releases(tenant_a, client_a):
    with tenant_context(tenant_a):
        p = make_programme()
    before = {e["id"]: e["guid"] for e in _events(_json(client_a))}
    rooms_before = {
        r["name"]: r["guid"] for r in _json(client_a)["schedule"]["conference"]["rooms"]
    }
    with tenant_context(tenant_a):
        slot_place(
            event=p.event,
            submission_id=p.sessions[0].pk,
            room_id=p.rooms[1].pk,
            start=at(p.event, 2, "14:00"),
        )
        release_create(event=p.event, by_id=None)

    after = {e["id"]: e["guid"] for e in _events(_json(client_a))}
    rooms_after = {r["name"]: r["guid"] for r in _json(client_a)["schedule"]["conference"]["rooms"]}
    assert after == before
    assert rooms_after == rooms_before


def _events(document: dict) -> list[dict]:
    return [
        event
        for day in document["schedule"]["conference"]["days"]
        for events in day["rooms"].values()
        for event in events
    ]


def test_ical_feed_parses_with_times_in_the_events_zone(client_a, programme):
    response = client_a.get("/schedule/export/schedule.ics")

    calendar = icalendar.Calendar.from_ical(response.content)
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    first = events[0]
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert len(events) == 3
    assert first.decoded("dtstart") == dt.datetime(
        2031, 7, 1, 8, 0, tzinfo=first.decoded("dtstart").tzinfo
    )
    assert str(first.decoded("dtstart").tzinfo) == "America/New_York"
    assert first.decoded("dtend") - first.decoded("dtstart") == dt.timedelta(minutes=30)
    assert str(first["uid"]) == f"{programme.sessions[0].guid}@midsummer"
    assert str(first["location"]) == "Main Stage"


def test_track_feed_holds_only_that_track(tenant_a, client_a, programme):
    with tenant_context(tenant_a):
        other = SubmissionFactory(event=programme.event, title="Off track")
        Slot.objects.create(
            submission=other, room=programme.rooms[1], start=at(programme.event, 2, "12:00")
        )
        release_create(event=programme.event, by_id=None)

    calendar = icalendar.Calendar.from_ical(
        client_a.get("/schedule/export/track/community.ics").content
    )

    assert sorted(str(e["summary"]) for e in calendar.walk("VEVENT")) == [
        "Panel 0",
        "Panel 1",
        "Panel 2",
    ]
    assert client_a.get("/schedule/export/track/nope.ics").status_code == 404


def test_xcal_is_xml_with_one_vevent_per_session(client_a, programme):
    document = etree.fromstring(client_a.get("/schedule/export/schedule.xcal").content)

    ns = {"x": "urn:ietf:params:xml:ns:icalendar-2.0"}
    starts = document.xpath("//x:vevent/x:properties/x:dtstart/x:date-time/text()", namespaces=ns)
    assert starts == [
        "2031-07-01T08:00:00-04:00",
        "2031-07-01T08:00:00-04:00",
        "2031-07-01T08:30:00-04:00",
    ]


def test_programme_csv_has_a_row_per_session_in_event_time(client_a, programme):
    text = client_a.get("/schedule/export/programme.csv").content.decode("utf-8-sig")

    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "Day",
        "Date",
        "Start",
        "End",
        "Room",
        "Track",
        "Title",
        "Panelists",
        "Rating",
    ]
    assert rows[1][:7] == [
        "1",
        "2031-07-01",
        "08:00",
        "08:30",
        "Main Stage",
        "Community",
        "Panel 0",
    ]
    assert len(rows) == 4


def test_exports_before_any_release_are_404_and_the_page_says_it_is_not_out_yet(tenant_a, client_a):
    with tenant_context(tenant_a):
        event = make_programme(release=False).event

    page = client_a.get("/schedule/")

    assert client_a.get("/schedule/export/schedule.json").status_code == 404
    assert page.status_code == 200  # reached from the navigation: not an error
    assert f"The programme of {event.name} has not been published yet." in page.content.decode()
    assert "Panel 0" not in page.content.decode()
