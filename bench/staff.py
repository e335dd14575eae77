"""Scenario 8 (``--only staff``): the shift sign-up rush. ``VOLUNTEERS`` accepted volunteers,
logged in, load the shift board, then all sign up at once for ``JOBS`` jobs of ``PLACES``
places each (two sign-ups each, for neighbouring jobs: pairs of jobs overlap in time, so some
second sign-ups must be refused as overlaps). Checked: exactly the places are taken, nobody
holds two overlapping shifts, no 5xx; the sign-up p99 is reported against the plain page's p99
measured right after on the same server.

Run by ``python -m bench --only staff``; the client is ``python -m bench.staff`` (a process of
its own, like ``bench.load``)."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import Counter
from collections.abc import Callable

from bench.load import (
    _CSRF_FIELD,
    _latency_report,
    _set_cookies,
    http_request,
    rush_client_main,
)
from bench.stats import Row, against_page_p99, ratio, summarize

VOLUNTEERS = 300
JOBS = 10
PLACES = 6
BOARD_PATH = "/volunteer/?day={day}"


def prepare(schema: str, account_ids: list[int]) -> dict:
    """In the bench tenant (its active event exists): a department, ``JOBS`` two-hour jobs on
    the first day (jobs 2k and 2k+1 at the same time), and an accepted volunteer for each
    account. Returns the spec for the client: the board's and the sign-up's paths (at the
    event's address) and the job ids."""
    from django_tenants.utils import schema_context

    from event.models import Event
    from staff.models import Department, Job, Volunteer
    from staff.timing import at_local

    with schema_context(schema):
        event = Event.objects.get(is_active=True)
        department = Department.objects.create(
            event=event, name="Rush", slug="rush", max_consecutive_hours=0
        )
        jobs = Job.objects.bulk_create(
            Job(
                department=department,
                name=f"Rush job {n}",
                start=at_local(event.start_date, dt.time(8 + 2 * (n // 2)), event),
                end=at_local(event.start_date, dt.time(10 + 2 * (n // 2)), event),
                places=PLACES,
            )
            for n in range(JOBS)
        )
        Volunteer.objects.bulk_create(
            Volunteer(
                event=event,
                account_id=account_id,
                name=f"Rusher {n}",
                status=Volunteer.Status.ACCEPTED,
                emergency_contact="Sam +1 215 555 0101",
            )
            for n, account_id in enumerate(account_ids)
        )
        return {
            "board": f"/{event.slug}" + BOARD_PATH.format(day=event.start_date.isoformat()),
            "sign_up": f"/{event.slug}/volunteer/jobs/{{job_id}}/sign-up/",
            "jobs": [job.pk for job in jobs],
        }


def outcome(schema: str) -> dict:
    """What the database holds after the rush: places taken and overlapping pairs."""
    from django.db import connection
    from django_tenants.utils import schema_context

    from staff.models import Shift

    with schema_context(schema):
        taken = Shift.objects.filter(job__department__slug="rush").count()
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT count(*) FROM staff_shift a
                  JOIN staff_shift b ON a.volunteer_id = b.volunteer_id AND a.id < b.id
                  JOIN staff_job ja ON ja.id = a.job_id
                  JOIN staff_job jb ON jb.id = b.job_id
                 WHERE ja.start < jb."end" AND jb.start < ja."end"
                """
            )
            overlaps = cursor.fetchone()[0]
    return {"taken": taken, "places": JOBS * PLACES, "overlaps": overlaps}


async def rush(*, port: int, host: str, sessions: list[str], spec: dict, connections: int) -> dict:
    """Every volunteer loads the board (CSRF cookie and token); then all sign up at once, two
    jobs each. Only the sign-up POSTs are timed."""
    gate = asyncio.Semaphore(connections)
    prepared: list[tuple[dict[str, str], str]] = []

    async def load_board(session_key: str) -> None:
        jar = {"sessionid": session_key}
        async with gate:
            status, headers, content = await http_request(
                port, host, "GET", spec["board"], cookies=jar
            )
        if status != 200 or b"Rush job 0" not in content:
            raise RuntimeError(f"the shift board answered {status}")
        _set_cookies(headers, jar)
        token = _CSRF_FIELD.search(content)
        if token is None:
            raise RuntimeError("the shift board has no CSRF token")
        prepared.append((jar, token.group(1).decode()))

    await asyncio.gather(*(load_board(key) for key in sessions))
    latencies: list[float] = []
    statuses: Counter = Counter()
    jobs = spec["jobs"]

    async def sign_up(jar: dict[str, str], token: str, job_id: int) -> None:
        async with gate:
            t0 = time.perf_counter()
            try:
                status, _, _ = await http_request(
                    port,
                    host,
                    "POST",
                    spec["sign_up"].format(job_id=job_id),
                    cookies=jar,
                    form={"csrfmiddlewaretoken": token},
                    timeout=60,
                )
            except (OSError, TimeoutError, asyncio.IncompleteReadError) as error:
                statuses[type(error).__name__] += 1
                return
            latencies.append((time.perf_counter() - t0) * 1000)
            statuses[status] += 1

    started = time.perf_counter()
    await asyncio.gather(
        *(
            sign_up(jar, token, jobs[(i + step) % len(jobs)])
            for i, (jar, token) in enumerate(prepared)
            for step in (0, 1)
        )
    )
    report = _latency_report(latencies, statuses, time.perf_counter() - started)
    return report | {"volunteers": len(prepared), "tool": "python-asyncio"}


def scenario(
    *,
    schema: str,
    account_ids: list[int],
    sessions: list[str],
    run_client: Callable[[dict], dict],
    page_load: Callable[[], dict],
    log: Callable[[str], None],
) -> dict:
    spec = prepare(schema, account_ids)
    result = run_client(spec)
    result |= outcome(schema)
    page = page_load()
    result["page_p99_ms"] = page["p99_ms"]
    log(
        f"  taken {result['taken']}/{result['places']}, overlaps {result['overlaps']}, statuses "
        f"{result['statuses']}, sign-up p99 {result['p99_ms']:.0f} ms vs page p99 "
        f"{page['p99_ms']:.0f} ms"
    )
    if result["taken"] != result["places"] or result["overlaps"] or result["server_errors"]:
        raise RuntimeError(f"the shift rush broke a rule: {result}")
    return result


def rows(result: dict) -> list[Row]:
    label = f"9 shift sign-up rush, {VOLUNTEERS} volunteers, {JOBS * PLACES} places"
    p99 = summarize([result["p99_ms"]])
    page_p99 = summarize([result["page_p99_ms"]])
    return [
        Row(
            label,
            "places taken (exactly the places, no overlaps, no 5xx)",
            summarize([result["taken"]]),
            summarize([result["places"]]),
            "places",
            "shifts",
            ratio(result["taken"], result["places"]),
            "= 1",
            result["taken"] == result["places"]
            and not result["overlaps"]
            and not result["server_errors"],
            notes=f"statuses {result['statuses']}, overlapping pairs {result['overlaps']}",
        ),
        against_page_p99(label, "sign-up p99", p99, page_p99),
    ]


def main(argv: list[str] | None = None) -> int:
    return rush_client_main(argv, prog="python -m bench.staff", rush_of=rush)


if __name__ == "__main__":
    raise SystemExit(main())
