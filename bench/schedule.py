"""Scenario 7 (``--only schedule``): the public programme of 500 sessions and its
``schedule.json``, served from the per-release cache, against the plain one-row page in the
same run (interleaved repeats, the same server and load)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bench.stats import Row, Summary, against_page_p99, ratio, summarize

SESSIONS = 500
ROOMS = 10
PROGRAMME_PATH = "/schedule/?day={day}"
JSON_PATH = "/schedule/export/schedule.json"


def prepare(schema: str) -> str:
    """In the bench tenant (its active event exists): rooms, a track, ``SESSIONS`` accepted
    30-minute sessions with a panelist each, placed without overlaps from 08:00 and released.
    Returns the programme page's path (the first day)."""
    from django_tenants.utils import schema_context

    from event.models import Event
    from schedule.models import Panelist, Room, Slot, Speaker, Submission, Track
    from schedule.services import release_create
    from schedule.timing import at_local

    with schema_context(schema):
        event = Event.objects.get(is_active=True)
        rooms = [
            Room.objects.create(event=event, name=f"Room {n}", capacity=100, position=n)
            for n in range(ROOMS)
        ]
        track = Track.objects.create(event=event, name="Bench", slug="bench")
        submissions = Submission.objects.bulk_create(
            Submission(
                event=event,
                title=f"Bench session {n}",
                description="A session of the bench programme.",
                duration=30,
                track=track,
                status=Submission.Status.ACCEPTED,
            )
            for n in range(SESSIONS)
        )
        speakers = Speaker.objects.bulk_create(
            Speaker(event=event, email=f"speaker{n}@bench.localhost", name=f"Speaker {n}")
            for n in range(SESSIONS)
        )
        Panelist.objects.bulk_create(
            Panelist(submission=s, speaker=p, is_submitter=True, status="confirmed")
            for s, p in zip(submissions, speakers, strict=True)
        )
        per_day = ROOMS * 36
        Slot.objects.bulk_create(
            Slot(
                submission=s,
                room=rooms[n % ROOMS],
                start=at_local(
                    event.start_date + dt.timedelta(days=n // per_day), dt.time(8), event
                )
                + dt.timedelta(minutes=30 * ((n % per_day) // ROOMS)),
            )
            for n, s in enumerate(submissions)
        )
        release_create(event=event, by_id=None)
        return f"/{event.slug}" + PROGRAMME_PATH.format(day=event.start_date.isoformat())


def scenario(
    *,
    page_path: str,
    programme_path: str,
    load: Callable[[str], dict],
    get: Callable[[str], tuple[int, dict[str, str], str]],
    repeats: int,
    log: Callable[[str], None],
) -> dict:
    """Interleaved repeats of the plain page, the programme and schedule.json; each checked to
    answer 200 with its content first, and its SQL statements per warm request counted."""
    paths = {"page": page_path, "programme": programme_path, "json": JSON_PATH}
    out: dict = {name: {"runs": []} for name in paths}
    for name, path in paths.items():
        for _ in range(6):  # warm both workers' caches and connections
            status, headers, body = get(path)
        if status != 200 or (name != "page" and "Bench session 0" not in body):
            raise RuntimeError(f"{path} answered {status}: {body[:200]}")
        out[name]["sql"] = int(headers.get("x-bench-sql", -1))
        out[name]["bytes"] = len(body.encode())
    for _ in range(repeats):
        for name, path in paths.items():
            result = load(path)
            out[name]["runs"].append(result)
            log(
                f"  {name:9} {result['rps']:7.1f} req/s  p50 {result['p50_ms']:.1f} ms  "
                f"p99 {result['p99_ms']:.1f} ms  non-2xx {result['non_2xx']}"
            )
    return out


def _figure(runs: list[dict], key: str) -> Summary:
    return summarize([run[key] for run in runs])


def rows(results: dict) -> list[Row]:
    page = _figure(results["page"]["runs"], "rps")
    found = []
    for name, label in (("programme", "programme grid page"), ("json", "schedule.json")):
        ours = _figure(results[name]["runs"], "rps")
        found.append(
            Row(
                f"7 programme, {SESSIONS} sessions",
                f"{label} throughput (cached)",
                ours,
                page,
                "the plain one-row page",
                "req/s",
                ratio(ours.median, page.median),
                "report",
                None,
                notes=f"SQL per warm request {results[name]['sql']} (page "
                f"{results['page']['sql']}), {results[name]['bytes']} bytes",
            )
        )
        p99 = _figure(results[name]["runs"], "p99_ms")
        page_p99 = _figure(results["page"]["runs"], "p99_ms")
        found.append(
            against_page_p99(f"7 programme, {SESSIONS} sessions", f"{label} p99", p99, page_p99)
        )
    return found
