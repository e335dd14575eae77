"""The benchmark harness's own logic (bench/): statistics, goals, the table, the JSON, the
wrk parser and the fallback load client. No timing is asserted; the bench measures, tests don't.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest

from bench.load import page_load, parse_wrk
from bench.run import build_rows, parse_args
from bench.stats import Summary, fmt, percentile, summarize, table
from tests.conftest import TENANT_HOSTS

WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:40261/bench/page/
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    42.12ms   20.01ms 250.00ms   80.00%
    Req/Sec   300.00     50.00   400.00     70.00%
  Latency Distribution
     50%   38.50ms
     75%   50.00ms
     90%   70.00ms
     99%  1.20s
  1523 requests in 5.01s, 400.00KB read
  Socket errors: connect 0, read 1523, write 0, timeout 2
  Non-2xx or 3xx responses: 3
Requests/sec:    304.05
Transfer/sec:     79.84KB
"""


def test_percentile_is_nearest_rank():
    values = [float(n) for n in range(1, 101)]

    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile(values, 100) == 100.0
    assert percentile([7.0], 99) == 7.0


def test_summary_reports_median_and_spread():
    summary = summarize([100.0, 90.0, 110.0])

    assert (summary.median, summary.low, summary.high) == (100.0, 90.0, 110.0)
    assert summary.spread_pct == 20.0
    assert fmt(summary, "req/s") == "100 req/s ±10%"
    assert fmt(summarize([0.25]), "s") == "0.25 s"


def test_wrk_output_is_parsed_with_units():
    result = parse_wrk(WRK_OUTPUT)

    assert result == {
        "tool": "wrk",
        "requests": 1523,
        "rps": 304.05,
        "p50_ms": 38.5,
        "p99_ms": 1200.0,
        "non_2xx": 3,
        "socket_errors": 2,
    }


def test_wrk_output_without_figures_is_an_error():
    with pytest.raises(ValueError, match="could not read wrk output"):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused")


def _page(rps: float, sql: int) -> dict:
    run = {"rps": rps, "p50_ms": 10.0, "p99_ms": 40.0, "non_2xx": 0}
    return {"runs": [run, run | {"rps": rps * 1.02}], "sql": {"warm": sql, "warm_max": sql}}


def _results(*, ours_rps: float, ours_sql: int, paid: int) -> dict:
    small = {"ours": _page(ours_rps, ours_sql), "plain": _page(100, 1), "stock": _page(53, 4)}
    return {
        "page_small": small,
        "page_large": small,
        "provisioning": {"ours": [0.1, 0.12, 0.09], "stock": [1.6, 1.7]},
        "provisioning_large": {"ours": [0.2, 0.3, 0.25], "stock": []},
        "migrate": {"ours": [2.0], "stock": [90.0], "tenants": 500},
        "new_migration": {"ours": [20.0], "stock": [150.0], "schemas": 501},
        "rush": [
            {
                "paid": paid,
                "oversold": max(0, paid - 100),
                "server_errors": 0,
                "page_server_errors": 0,
                "p99_ms": 300.0,
                "page_p99_ms": 100.0,
                "accepted_per_s": 50.0,
            }
        ],
    }


def _verdicts(rows) -> dict[tuple[str, str], bool | None]:
    return {(row.scenario, row.metric): row.met for row in rows}


def test_goals_met_when_figures_meet_them():
    rows = build_rows(_results(ours_rps=96, ours_sql=1, paid=100), parse_args([]))
    verdicts = _verdicts(rows)

    assert verdicts[("1 tenant page, 10 tenants", "throughput")] is True
    assert verdicts[("1 tenant page, 10 tenants", "SQL per warm request")] is True
    assert verdicts[("2 tenant count", "ours/plain at 1000 vs at 10 tenants")] is True
    assert verdicts[("4 provisioning", "create → served")] is True
    assert verdicts[("4 provisioning", "ours at 1000 tenants")] is True
    assert verdicts[("5 no-op migrate", "500 tenants")] is True
    assert verdicts[("6 registration rush", "paid of 100 (500 buyers)")] is True
    assert verdicts[("6 registration rush", "purchase p99 at 50 conc.")] is True
    provisioning = next(row for row in rows if row.scenario == "4 provisioning")
    assert provisioning.ratio == pytest.approx(1.65 / 0.1)
    new_migration = next(row for row in rows if row.scenario == "5 one new migration")
    assert (new_migration.metric, new_migration.ratio) == ("501 schemas", pytest.approx(7.5))
    assert new_migration.met is None  # reported, no goal


def _inside(worker: float, cpu: float, lock_p99: float, queued_p99: float) -> dict:
    def figure(mean: float, p99: float) -> dict:
        return {"n": 10, "mean": mean, "p50": mean, "p99": p99, "max": p99}

    return {
        "worker_ms": figure(worker, worker * 2),
        "cpu_ms": figure(cpu, cpu * 2),
        "lock_ms": figure(lock_p99 / 4, lock_p99),
        "queued_ms": figure(queued_p99 / 2, queued_p99),
    }


def test_the_rush_reports_where_its_p99_goes():
    results = _results(ours_rps=96, ours_sql=1, paid=100)
    results["rush"][0] |= {
        "page_worker_ms": 0.8,
        "inside": {
            "bought": _inside(30.0, 18.0, 12.0, 900.0),
            "400": _inside(12.0, 9.0, 0.0, 800.0),
            "all": _inside(15.6, 10.8, 10.0, 880.0),
        },
    }
    rows = {row.metric: row for row in build_rows(results, parse_args([]))}

    work = rows["purchase: time in the worker (mean)"]
    assert work.ratio == pytest.approx(15.6 / 0.8)
    assert work.notes == "bought 30.0 ms (CPU 18.0), sold out 12.0 ms (CPU 9.0)"
    lock = rows["row-lock wait p99"]
    assert lock.ratio == pytest.approx(10.0 / 300.0)  # the share of the purchase p99
    assert lock.notes == "queued for one of 2 workers: p99 880 ms"
    assert work.met is None and lock.met is None  # explanations, not goals


def test_the_bench_migration_apps_are_never_in_product_settings():
    from django.conf import settings

    from midsummer import settings as product

    for name in ("bench.new_migration_a", "bench.new_migration_b"):
        assert name not in product.INSTALLED_APPS and name not in product.TENANT_APPS
        assert name not in settings.INSTALLED_APPS
    assert parse_args([]).new_migration is True
    assert parse_args(["--no-new-migration"]).new_migration is False


def test_goals_missed_are_reported_as_missed():
    rows = build_rows(_results(ours_rps=90, ours_sql=2, paid=101), parse_args([]))
    verdicts = _verdicts(rows)

    assert verdicts[("1 tenant page, 10 tenants", "throughput")] is False
    assert verdicts[("1 tenant page, 10 tenants", "SQL per warm request")] is False
    assert verdicts[("6 registration rush", "paid of 100 (500 buyers)")] is False


def test_table_and_json_carry_every_row():
    args = parse_args([])
    rows = build_rows(_results(ours_rps=96, ours_sql=1, paid=100), args)
    from bench.stats import results_document

    text = table(rows)
    document = json.loads(results_document(rows=rows, meta={"machine": "test"}))

    assert text.splitlines()[0].startswith("| scenario")
    assert len(text.splitlines()) == len(rows) + 2
    assert "| 0.96×" in text
    assert len(document["rows"]) == len(rows)
    assert document["rows"][0]["ours"]["runs"] == [96, 96 * 1.02]
    assert document["meta"] == {"machine": "test"}


def test_summary_of_nothing_is_shown_as_a_dash():
    assert fmt(summarize([]), "ms") == "—"
    assert fmt(Summary(1.0, 1.0, 1.0, [1.0]), "") == "1"


class _Answer(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's naming
        body = b"ok" if self.headers["Host"] == "bench.localhost" else b"who?"
        self.send_response(200 if body == b"ok" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def tiny_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_fallback_client_stops_at_the_request_count_and_counts_statuses(tiny_server):
    result = asyncio.run(
        page_load(
            port=tiny_server,
            host="bench.localhost",
            path="/",
            connections=4,
            seconds=30,
            max_requests=20,
        )
    )
    wrong_host = asyncio.run(
        page_load(
            port=tiny_server,
            host="other.localhost",
            path="/",
            connections=2,
            seconds=30,
            max_requests=6,
        )
    )

    assert result["requests"] == 20
    assert result["statuses"] == {"200": 20}
    assert result["non_2xx"] == 0
    assert wrong_host["statuses"] == {"404": 6}
    assert wrong_host["non_2xx"] == 6


def test_chart_is_written(tmp_path):
    from bench.run import chart

    rows = build_rows(_results(ours_rps=96, ours_sql=1, paid=100), parse_args([]))
    chart(rows, tmp_path / "chart.png", "test")

    assert (tmp_path / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_sql_counter_sees_statements_sent_outside_django_cursors(db):
    from django.db import connection
    from django.http import HttpResponse
    from django.test import RequestFactory

    from bench.middleware import SQL_HEADER, SqlCountMiddleware

    def view(request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.execute("SELECT 2")
        # django-tenants sends SET search_path like this, on the raw psycopg connection.
        connection.connection.execute("SELECT 3")
        return HttpResponse()

    with connection.cursor() as cursor:  # settles the search_path: nothing pending to SET
        cursor.execute("SELECT 0")
    original = connection.connection.cursor_factory
    try:
        response = SqlCountMiddleware(view)(RequestFactory().get("/"))
        again = SqlCountMiddleware(lambda request: HttpResponse())(RequestFactory().get("/"))
    finally:
        connection.connection.cursor_factory = original

    assert response[SQL_HEADER] == "3"
    assert again[SQL_HEADER] == "0"


def test_bench_middleware_times_the_wait_for_row_locks(committed):
    """A purchase's lock wait is measured, not guessed: another connection holds the row for
    0.3 s, and the time the request spent in its ``SELECT … FOR UPDATE`` shows it."""
    import threading
    import time

    import psycopg
    from django.db import connection
    from django.http import HttpResponse
    from django.test import RequestFactory

    from bench.middleware import CPU_HEADER, LOCK_HEADER, WALL_HEADER, SqlCountMiddleware
    from tenant.routing import database_conninfo

    with psycopg.connect(database_conninfo(), autocommit=True) as setup:
        setup.execute("CREATE TABLE bench_lock_probe (id int PRIMARY KEY)")
        setup.execute("INSERT INTO bench_lock_probe VALUES (1)")
    holding, release = threading.Event(), threading.Event()

    def hold_the_row() -> None:
        with psycopg.connect(database_conninfo()) as holder:
            holder.execute("SELECT id FROM bench_lock_probe WHERE id = 1 FOR UPDATE")
            holding.set()
            release.wait(5)
            time.sleep(0.3)
        # leaving the block commits: the lock is released

    def view(request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(0.05)")  # slow, but no lock: not counted
            release.set()
            cursor.execute("SELECT id FROM bench_lock_probe WHERE id = 1 FOR UPDATE")
        return HttpResponse()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    original = connection.connection.cursor_factory if connection.connection else None
    try:
        assert holding.wait(5)
        response = SqlCountMiddleware(view)(RequestFactory().get("/"))
    finally:
        release.set()
        holder.join()
        if original is not None:
            connection.connection.cursor_factory = original
        with psycopg.connect(database_conninfo(), autocommit=True) as cleanup:
            cleanup.execute("DROP TABLE bench_lock_probe")

    lock_ms, wall_ms = float(response[LOCK_HEADER]), float(response[WALL_HEADER])
    assert 250 <= lock_ms < 2000
    assert wall_ms >= lock_ms + 40  # the pg_sleep is in the request's time, not the lock's
    assert float(response[CPU_HEADER]) < wall_ms  # waiting is not CPU


SERVE_THE_PAGE = """
import django
django.setup()
from django.test import Client
response = Client().get("/bench/page/", HTTP_HOST="{host}")
print(response.status_code, response.content.decode())
"""


@pytest.mark.parametrize("stack", ["plain", "ours", "stock"])
def test_each_bench_stack_serves_the_page(stack, tenant_a):
    """The bench's gunicorns serve the page on each stack, in a process of their own: a
    middleware the stack cannot load or run (one needing an app or a setting the plain stack
    lacks) would stop ``make bench`` before it measures anything."""
    from django.db import connection

    database = connection.settings_dict
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": f"bench.settings.{stack}",
        "DATABASE_URL": f"postgres://{database['USER']}@{quote(database['HOST'], safe='')}"
        f":{database['PORT'] or 5432}/{database['NAME']}",
        "BENCH_PLAIN_SCHEMA": tenant_a.schema_name,
    }
    script = SERVE_THE_PAGE.format(host=TENANT_HOSTS["alpha"])
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("200 <!doctype html>"), result.stdout[-2000:]


def test_door_rush_badges_can_be_prepared_again_in_the_same_tenant(tenant_a):
    """Each door-rush run and the API scenario prepare badges in the one bench tenant: a second
    preparation adds new badges at a level of its own instead of failing on the first's rows."""
    from django_tenants.utils import schema_context

    from bench import kiosk
    from register.models import Registration
    from tests.factories.event import EventFactory

    with schema_context(tenant_a.schema_name):
        EventFactory(is_active=True)
    first = kiosk.prepare(tenant_a.schema_name, devices=1, per_device=3)
    second = kiosk.prepare(tenant_a.schema_name, devices=2, per_device=2)

    assert first["level"] != second["level"]
    assert len(second["clients"]) == 2 and [len(t) for t in second["tokens"]] == [2, 2]
    with schema_context(tenant_a.schema_name):
        numbers = Registration.objects.filter(
            level_id__in=[first["level"], second["level"]]
        ).values_list("badge_number", flat=True)
        assert len(set(numbers)) == 7


def test_the_scale_pass_visits_every_schema_or_only_those_due(tenant_a, tenant_b):
    """Scenario 13's two passes, on the test database's tenants: the sweep visits every active
    convention, the tick between sweeps only those marked due."""
    from bench import scale
    from tenant.selectors import active_tenants

    swept_seconds, swept = scale.one_pass("register.release_expired_holds", only_due=False)
    marked = scale.mark_due(0.5)
    _seconds, visited = scale.one_pass("register.release_expired_holds", only_due=True)

    assert swept == active_tenants().count() >= 2
    assert visited == marked < swept
    assert swept_seconds > 0
