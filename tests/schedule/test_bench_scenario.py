"""The bench's programme scenario (``python -m bench --only schedule``) reports the programme
and schedule.json against the plain page measured in the same run."""

from bench import schedule
from bench.run import parse_args


def _run(rps: float, p99: float) -> dict:
    return {"rps": rps, "p50_ms": p99 / 2, "p99_ms": p99, "non_2xx": 0}


def test_the_rows_compare_the_programme_and_the_json_with_the_plain_page():
    results = {
        "page": {"runs": [_run(2000, 10), _run(2200, 12)], "sql": 1, "bytes": 60},
        "programme": {"runs": [_run(1000, 20), _run(1050, 22)], "sql": 3, "bytes": 90_000},
        "json": {"runs": [_run(1500, 15), _run(1600, 16)], "sql": 2, "bytes": 400_000},
    }

    rows = schedule.rows(results)

    assert [(r.metric, round(r.ratio, 3)) for r in rows] == [
        ("programme grid page throughput (cached)", round(1025 / 2100, 3)),
        ("programme grid page p99", round(21 / 11, 3)),
        ("schedule.json throughput (cached)", round(1550 / 2100, 3)),
        ("schedule.json p99", round(15.5 / 11, 3)),
    ]
    assert rows[0].notes == "SQL per warm request 3 (page 1), 90000 bytes"


def test_only_schedule_is_a_choice():
    assert parse_args(["--only", "schedule", "--no-wrk"]).only == "schedule"
