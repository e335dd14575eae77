"""Scenario 13 (opt-in, ``--only scale``): what grows with the number of conventions.

At each tenant count (``--scale``, default 1,000 and 5,000):

- **The tick.** One pass of the periodic hold release and of the waiting lists runs
  in-process, each tenant's task executed as a worker would (eagerly, on one connection): once
  over every schema — the full sweep, what every tick cost before the due index — and once as a
  tick between sweeps, with ``DUE_SHARE`` of the conventions having work due. The sweep is the
  baseline in the same run.
- **One convention's export.** ``export_tenant`` of one small convention (a template clone)
  by COPY, against ``--method pg_dump`` (which reads the whole database's catalog): the
  baseline, in the same run, on the same convention.
- **The platform directory.** Every convention has a listing (as one with an event does); the
  directory's first page, a search, a month, "near me", a later page and the iCal feed are
  fetched in-process (Django's test client, ``REQUESTS`` each). The baseline is the same
  requests at the run's first count: the goal is that they do not grow with the count.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.stats import Row, ratio, summarize

TASKS = ("register.release_expired_holds", "register.process_waitlists")
DUE_SHARE = 0.01  # conventions with work due at a tick: a busy Saturday of on-sales
REQUESTS = 20  # per directory page and count
CITIES = (  # name, latitude, longitude
    ("Philadelphia", 39.95, -75.17),
    ("Columbus", 39.96, -83.0),
    ("Berlin", 52.52, 13.4),
    ("Toronto", 43.65, -79.38),
    ("Melbourne", -37.81, 144.96),
    ("Rotterdam", 51.92, 4.48),
    ("Austin", 30.27, -97.74),
)


def one_pass(task: str, *, only_due: bool) -> tuple[float, int]:
    """Seconds for one pass of ``task`` (fan-out and each tenant's run), and tenants visited."""
    from celery import current_app

    from tenant.tasks import run_in_every_tenant

    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    try:
        started = time.perf_counter()
        visited = run_in_every_tenant(task, only_due=only_due)
        seconds = time.perf_counter() - started
    finally:
        current_app.conf.task_always_eager = eager
    return seconds, visited


def mark_due(share: float) -> int:
    """Index rows due now for ``share`` of the active conventions, for each task."""
    from django.utils import timezone

    from tenant.models import DueWork
    from tenant.selectors import active_tenants

    DueWork.objects.all().delete()
    tenants = list(active_tenants().values_list("pk", flat=True))
    chosen = tenants[:: max(1, round(1 / share))]
    now = timezone.now()
    DueWork.objects.bulk_create(
        DueWork(tenant_id=pk, task=task, due_at=now) for pk in chosen for task in TASKS
    )
    return len(chosen)


def export_seconds(schema: str, method: str) -> tuple[float, int]:
    """Seconds for ``export_tenant`` of ``schema`` by ``method``, and the archive's bytes."""
    from django.db import connections

    from tenant.models import Tenant
    from tenant.portability import tenant_export

    tenant = Tenant.objects.get(schema_name=schema)
    with tempfile.TemporaryDirectory(prefix="bench-export-") as scratch:
        path = Path(scratch) / f"{schema}.tar.gz"
        started = time.perf_counter()
        tenant_export(tenant=tenant, path=path, method=method)
        seconds = time.perf_counter() - started
        size = path.stat().st_size
    connections.close_all()
    return seconds, size


def listings_ensure() -> int:
    """A directory listing for every active convention without one, upcoming over the next
    year in a few cities (what the public table holds when each has an event); returns the
    number of listings."""
    from django.utils import timezone

    from directory.models import ConventionListing
    from tenant.selectors import active_tenants

    missing = active_tenants().filter(listing__isnull=True).order_by("pk")
    today = timezone.localdate()
    batch = []
    for n, tenant in enumerate(missing.only("pk", "name").iterator()):
        start = today + dt.timedelta(days=(n * 7) % 360 + 3)
        city, latitude, longitude = CITIES[n % len(CITIES)]
        batch.append(
            ConventionListing(
                tenant=tenant,
                event_name=f"{tenant.name} {start.year}",
                convention_name=tenant.name,
                start_date=start,
                end_date=start + dt.timedelta(days=2),
                timezone="UTC",
                city=city,
                latitude=latitude,
                longitude=longitude,
                venue_name="Convention Center",
                description="Three days of panels, a dealers' hall and a dance. " * 4,
            )
        )
    ConventionListing.objects.bulk_create(batch, batch_size=1000)
    return ConventionListing.objects.count()


def directory_requests() -> dict[str, str]:
    from django.utils import timezone

    month = timezone.localdate() + dt.timedelta(days=60)
    return {
        "first page": "/",
        "search": "/?q=Bench+12",
        "month": f"/?month={month:%Y-%m}",
        "near me": "/?lat=40.0&lon=-75.0&radius=250",
        "page 10": "/?page=10",
        "iCal feed": "/conventions.ics",
    }


def public_host_ensure() -> str:
    """The platform's own host, served by the public schema (as ``seed_demo`` sets it up)."""
    from django_tenants.utils import get_public_schema_name

    from midsummer.management.commands.seed_demo import PUBLIC_HOST
    from tenant.models import Domain, Tenant

    public, _ = Tenant.objects.get_or_create(
        schema_name=get_public_schema_name(), defaults={"name": "Midsummer"}
    )
    Domain.objects.get_or_create(domain=PUBLIC_HOST, defaults={"tenant": public})
    return PUBLIC_HOST


def directory_timings() -> dict[str, dict]:
    """Seconds per request (``REQUESTS`` each, after one warm-up) and bytes of each page."""
    from django.test import Client

    client = Client(HTTP_HOST=public_host_ensure())
    out = {}
    for name, url in directory_requests().items():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"directory {url}: {response.status_code}")
        seconds = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            client.get(url)
            seconds.append(time.perf_counter() - started)
        out[name] = {"seconds": seconds, "bytes": len(response.content)}
    return out


def _directory_measured(result: dict, reference: dict | None, log) -> dict:
    """Time the directory's requests into ``result``, against ``reference`` (the first
    count's), and log them; returns the reference — this count's when there was none yet."""
    result["directory"] = directory_timings()
    if reference is None:
        reference = {"tenants": result["tenants"], "timings": result["directory"]}
    result["directory_reference"] = reference
    for name, figures in result["directory"].items():
        log(
            f"  directory {name}: {summarize(figures['seconds']).median * 1000:.1f} ms, "
            f"{figures['bytes'] // 1024} KB"
        )
    return reference


OPERATOR_COMMANDS = {  # name: manage.py arguments ({count} is the tenant count)
    "tenants_status": ["tenants_status", "--json"],
    "migrate_schemas (no-op)": ["migrate_schemas", "--tenant", "--noinput", "--verbosity", "0"],
    "create_tenant": [
        "create_tenant",
        "--schema",
        "bench_op_{count}",
        "--name",
        "Operator {count}",
        "--domain",
        "bench-op-{count}.localhost",
    ],
}


def scenario(
    *,
    counts: list[int],
    grow: Callable[[int], float],
    command_seconds: Callable[[list[str]], float],
    log,
) -> list[dict]:
    from django.db import connections

    out = []
    reference: dict | None = None  # the directory at the first count
    for count in counts:
        seconds = grow(count)
        log(f"scenario 13: {count} tenants ({seconds:.1f} s to add them by clone)")
        result: dict = {"tenants": count, "tasks": {}}
        result["listings"] = listings_ensure()
        reference = _directory_measured(result, reference, log)
        # What an operator types, each a fresh process as from a shell (Django's start included).
        result["commands"] = {}
        for name, arguments in OPERATOR_COMMANDS.items():
            seconds = command_seconds([part.format(count=count) for part in arguments])
            result["commands"][name] = seconds
            log(f"  manage.py {name}: {seconds:.2f} s")
        connections.close_all()
        schema = "bench_t0000"
        copy, copy_bytes = export_seconds(schema, "copy")
        dump, dump_bytes = export_seconds(schema, "pg_dump")
        log(f"  export of {schema}: COPY {copy:.2f} s, pg_dump {dump:.2f} s")
        result["export"] = {
            "schema": schema,
            "copy": copy,
            "pg_dump": dump,
            "copy_bytes": copy_bytes,
            "pg_dump_bytes": dump_bytes,
        }
        for task in TASKS:
            sweep, swept = one_pass(task, only_due=False)
            connections.close_all()  # the sweep's connection has cached every schema's catalog
            # Each run stored its next due time (none: the row went): mark the due share again.
            result["due"] = mark_due(DUE_SHARE)
            indexed, visited = one_pass(task, only_due=True)
            log(
                f"  {task}: every schema {sweep:.2f} s ({swept} visited), "
                f"due only {indexed:.2f} s ({visited} visited)"
            )
            result["tasks"][task] = {
                "sweep": sweep,
                "swept": swept,
                "indexed": indexed,
                "visited": visited,
            }
        out.append(result)
    return out


def rows(results: list[dict]) -> list[Row]:
    out = []
    for result in results:
        for task, figures in result["tasks"].items():
            indexed, sweep = summarize([figures["indexed"]]), summarize([figures["sweep"]])
            out.append(
                Row(
                    f"13 tick at {result['tenants']} tenants",
                    f"{task.split('.')[-1]} pass, {figures['visited']} due",
                    indexed,
                    sweep,
                    f"every schema ({figures['swept']})",
                    "s",
                    ratio(indexed.median, sweep.median),
                    "< 10 s",
                    indexed.median < 10,
                    notes="one pass each; the sweep still runs every PERIODIC_SWEEP_MINUTES",
                )
            )
        for name, seconds in result.get("commands", {}).items():
            out.append(
                Row(
                    f"13 command at {result['tenants']} tenants",
                    f"manage.py {name}",
                    summarize([seconds]),
                    None,
                    "",
                    "s",
                    None,
                    "< 10 s",
                    seconds < 10,
                    notes="one run, a fresh process (Django's start included)",
                )
            )
        export = result["export"]
        copy, dump = summarize([export["copy"]]), summarize([export["pg_dump"]])
        out.append(
            Row(
                f"13 export at {result['tenants']} tenants",
                f"export_tenant {export['schema']} (COPY)",
                copy,
                dump,
                "--method pg_dump",
                "s",
                ratio(copy.median, dump.median),
                "< 10 s",
                copy.median < 10,
                notes="one run each, the same small convention",
            )
        )
        out += _directory_rows(result, scenario="13")
    return out


def _directory_rows(result: dict, *, scenario: str) -> list[Row]:
    out = []
    reference = result["directory_reference"]
    is_reference = reference["tenants"] == result["tenants"]
    for name, figures in result["directory"].items():
        ours = summarize([s * 1000 for s in figures["seconds"]])
        before = (
            None
            if is_reference
            else summarize([s * 1000 for s in reference["timings"][name]["seconds"]])
        )
        out.append(
            Row(
                f"{scenario} directory at {result['tenants']} tenants",
                f"{name} ({result['listings']} listings, {figures['bytes'] // 1024} KB)",
                ours,
                before,
                "the reference for the counts after it"
                if before is None
                else f"same request at {reference['tenants']} tenants",
                "ms",
                None if before is None else ratio(ours.median, before.median),
                "reference" if before is None else "<= 1.5x",
                None if before is None else ours.median <= 1.5 * before.median,
                notes=f"{REQUESTS} requests in-process (test client)",
            )
        )
    return out


# --- 13b: the directory alone ------------------------------------------------------------------
def listed_tenants_ensure(count: int) -> float:
    """Conventions in ``public`` only — the tenant row, its domain, its listing — until
    ``count`` are listed: the directory reads nothing else (no tenant schema, no join), so its
    growth is measured at 10,000 or 50,000 conventions without building their schemas. The
    names and cities follow ``tenants_ensure``'s and ``listings_ensure``'s."""
    from tenant.models import Domain, Tenant

    started = time.perf_counter()
    have = Tenant.objects.filter(schema_name__startswith="listed_").count()
    for first in range(have, count, 1000):
        numbers = range(first, min(first + 1000, count))
        tenants = Tenant.objects.bulk_create(
            Tenant(schema_name=f"listed_{n:06d}", name=f"Bench {n}") for n in numbers
        )
        Domain.objects.bulk_create(
            Domain(tenant=t, domain=t.schema_name.replace("_", "-") + ".localhost", is_primary=True)
            for t in tenants
        )
    listings_ensure()
    return time.perf_counter() - started


def directory_scenario(*, counts: list[int], settle: Callable[[], None], log) -> list[dict]:
    """The directory's pages at each count of listed conventions (public rows only), against
    the same requests at the first count."""
    out = []
    reference: dict | None = None
    for count in counts:
        seconds = listed_tenants_ensure(count)
        settle()
        log(f"scenario 13b: {count} listed conventions, public rows only ({seconds:.1f} s)")
        result: dict = {"tenants": count, "listings": count}
        reference = _directory_measured(result, reference, log)
        out.append(result)
    return out


def directory_rows(results: list[dict]) -> list[Row]:
    return [row for result in results for row in _directory_rows(result, scenario="13b")]
