"""The bench's shift sign-up rush (``python -m bench --only staff``) reports exactly the places
taken and the sign-up p99 against the plain page's."""

from bench import staff
from bench.run import parse_args


def test_the_rows_report_places_taken_and_the_p99_against_the_page():
    result = {
        "taken": 60,
        "places": 60,
        "overlaps": 0,
        "server_errors": 0,
        "statuses": {"302": 60, "409": 540},
        "p99_ms": 900.0,
        "page_p99_ms": 300.0,
    }

    rows = staff.rows(result)

    assert [(r.metric, r.ratio, r.met) for r in rows] == [
        ("places taken (exactly the places, no overlaps, no 5xx)", 1.0, True),
        ("sign-up p99", 3.0, None),
    ]


def test_an_overlap_fails_the_row():
    result = {
        "taken": 60,
        "places": 60,
        "overlaps": 1,
        "server_errors": 0,
        "statuses": {},
        "p99_ms": 1.0,
        "page_p99_ms": 1.0,
    }

    assert staff.rows(result)[0].met is False


def test_only_staff_is_a_choice():
    assert parse_args(["--only", "staff", "--no-wrk"]).only == "staff"
