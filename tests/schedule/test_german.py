"""The schedule in German: its own catalog, every string translated, the pages in German."""

from pathlib import Path

from django.utils import translation
from django_tenants.utils import tenant_context

from schedule.models import Slot
from schedule.selectors import wip_warnings
from tests.catalogs import po_entries
from tests.factories.schedule import SubmissionFactory
from tests.schedule.conftest import at, make_programme

CATALOG = Path(__file__).resolve().parents[2] / "schedule" / "locale" / "de" / "LC_MESSAGES"


def test_every_string_of_the_schedule_is_translated():
    entries = po_entries(CATALOG / "django.po")

    assert len(entries) > 150
    assert [msgid for msgid, msgstr in entries.items() if not msgstr] == []


def test_the_programme_and_the_submit_form_are_german(client_a, programme):
    client_a.cookies["django_language"] = "de"

    page = client_a.get("/schedule/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    session = client_a.get(
        f"/schedule/session/{programme.sessions[0].code}/", HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()

    assert "Zeiten in der Zeitzone der Veranstaltung (America/New_York)" in page
    assert "Alle Themenbereiche" in page
    assert "Zurück zum Programm" in session


def test_planning_warnings_are_german(tenant_a):
    with tenant_context(tenant_a):
        p = make_programme(sessions=1, release=False)
        other = SubmissionFactory(event=p.event, title="Zweites")
        Slot.objects.create(submission=other, room=p.rooms[0], start=at(p.event, 1, "08:00"))
        with translation.override("de"):
            (warning,) = wip_warnings(event=p.event)

    assert warning.message.startswith("Main Stage ist doppelt belegt: „Panel 0“")
