"""The staffing app in German: its own catalog, every string translated, pages and refusals."""

from pathlib import Path

import pytest
from django.utils import translation
from django_tenants.utils import tenant_context

from staff.errors import JobFullError
from staff.services import shift_sign_up
from tests.catalogs import po_entries
from tests.factories.staff import JobFactory, VolunteerFactory
from tests.staff.conftest import NOW

CATALOG = Path(__file__).resolve().parents[2] / "staff" / "locale" / "de" / "LC_MESSAGES"


def test_every_string_of_the_staffing_app_is_translated():
    entries = po_entries(CATALOG / "django.po")

    assert len(entries) > 130
    assert [msgid for msgid, msgstr in entries.items() if not msgstr] == []


def test_the_shift_board_is_german(client_a, staffing):
    client_a.cookies["django_language"] = "de"

    page = client_a.get("/volunteer/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "Helferschichten" in page
    assert "Alle Bereiche" in page


@pytest.mark.django_db
def test_a_full_shift_is_refused_in_german(tenant_a, staffing):
    with tenant_context(tenant_a), translation.override("de"):
        job = JobFactory(department=staffing.department, places=1)
        shift_sign_up(
            job_id=job.pk, volunteer_id=VolunteerFactory(event=staffing.event).pk, now=NOW
        )
        late = VolunteerFactory(event=staffing.event)

        with pytest.raises(JobFullError) as refused:
            shift_sign_up(job_id=job.pk, volunteer_id=late.pk, now=NOW)

    assert refused.value.message == "Diese Schicht ist voll: wähle eine andere."
