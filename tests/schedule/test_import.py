"""Importing an existing schedule from a Guidebook-style CSV or XLSX."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from openpyxl import Workbook

from schedule.models import Room, Slot, Submission
from tenant.models import Membership
from tenant.roles import Role
from tests.factories.tenant import UserFactory
from tests.schedule.conftest import log_in, make_programme

HEADER = (
    "Session Title,Date,Time Start,Time End,Room/Location,"
    "Schedule Track (Optional),Presenters (Optional)\n"
)
GOOD = (
    HEADER
    + "Opening Ceremony,2031-07-01,10:00,11:00,Main Stage,Community,Robin Fox <robin@example.org>\n"
    + "Late Howl,07/01/2031,11:30 PM,1:00 AM,Dance Hall,,Kai; Sam\n"
)


@pytest.fixture
def lead(tenant_a, client_a):
    with tenant_context(tenant_a):
        make_programme(sessions=0, release=False)
    user = UserFactory()
    Membership.objects.create(user=user, tenant=tenant_a, roles=[Role.SCHEDULE_LEAD])
    return log_in(client_a, user)


def _upload(client, name: str, content: bytes):
    return client.post("/schedule/manage/import/", {"file": SimpleUploadedFile(name, content)})


def test_a_csv_becomes_placed_sessions_with_rooms_and_tracks(tenant_a, lead):
    response = _upload(lead, "schedule.csv", GOOD.encode())

    with tenant_context(tenant_a):
        slots = [
            (s.submission.title, s.room.name, s.start.isoformat(), s.submission.duration)
            for s in Slot.objects.select_related("submission", "room").order_by("start")
        ]
        people = sorted(
            Submission.objects.get(title="Late Howl").panelists.values_list(
                "speaker__name", flat=True
            )
        )
    assert response.status_code == 302
    assert slots == [
        ("Opening Ceremony", "Main Stage", "2031-07-01T14:00:00+00:00", 60),
        ("Late Howl", "Dance Hall", "2031-07-02T03:30:00+00:00", 90),
    ]
    assert people == ["Kai", "Sam"]


def test_an_xlsx_is_read_like_a_csv(tenant_a, lead):
    book = Workbook()
    sheet = book.active
    for line in GOOD.splitlines():
        sheet.append(line.split(","))
    content = io.BytesIO()
    book.save(content)

    response = _upload(lead, "schedule.xlsx", content.getvalue())

    with tenant_context(tenant_a):
        count = Slot.objects.count()
    assert (response.status_code, count) == (302, 2)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "Bad Time,2031-07-01,25:99,11:00,Main Stage,,",
            "Row 3, column “Time Start”: “25:99” is not a time",
        ),
        (
            "Bad Date,2031-13-01,10:00,11:00,Main Stage,,",
            "Row 3, column “Date”: “2031-13-01” is not a date",
        ),
        (
            ",2031-07-01,10:00,11:00,Main Stage,,",
            "Row 3, column “Session Title”: a session needs a title.",
        ),
        (
            "Too early,2031-06-20,10:00,11:00,Main Stage,,",
            "Row 3: 2031-06-20 10:00–2031-06-20 11:00 is outside the event",
        ),
        (
            "Too long,2031-07-01,06:00,05:59,Main Stage,,",
            "Row 3: A session lasts between 5 minutes and 12 hours.",
        ),
    ],
)
def test_a_malformed_row_is_named_and_nothing_is_imported(tenant_a, lead, line, message):
    content = HEADER + "Fine,2031-07-01,10:00,11:00,Main Stage,,\n" + line + "\n"

    response = _upload(lead, "schedule.csv", content.encode())

    with tenant_context(tenant_a):
        counts = (
            Submission.objects.count(),
            Room.objects.filter(name="Main Stage").count(),
            Slot.objects.count(),
        )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert counts == (0, 1, 0)


def test_a_missing_column_is_named(lead):
    response = _upload(lead, "schedule.csv", b"Session Title,Date\nX,2031-07-01\n")

    assert (
        "Row 1: missing column(s): Time Start, Time End, Room/Location."
        in response.content.decode()
    )


def test_the_command_imports_into_one_convention(tenant_a, tenant_b, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "schedule.csv"
    path.write_text(GOOD, encoding="utf-8")
    with tenant_context(tenant_a):
        make_programme(sessions=0, release=False)
    out = io.StringIO()

    call_command("tenant_command", "schedule__import", str(path), schema_name="alpha", stdout=out)

    with tenant_context(tenant_a):
        here = Slot.objects.count()
    with tenant_context(tenant_b):
        there = Slot.objects.count()
    assert (here, there) == (2, 0)
    assert "2 sessions imported" in out.getvalue()
