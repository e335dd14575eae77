"""``make bench``: set up a dedicated database, start servers, run every scenario, report.

Each scenario measures ours and its baseline in the same run (interleaved where they are cheap)
and repeats; the table, a JSON file and a chart go to the git-ignored ``bench/results/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from bench.load import LOOPBACK, run_wrk, wrk_available
from bench.stats import Row, Summary, ratio, results_document, summarize, table

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
WORKERS = 2  # gunicorn sync workers, one per core of the 2-core machine the goals are set for
PAGE_PATH = "/bench/page/"
PAGE_SCHEMA = "bench_t0000"
PAGE_HOST = "bench-t0000.localhost"
EVENT_NAME = "Bench Con"
# The event's pages are at its own address (a bare /register/ only leads on to it).
EVENT_SLUG = "bench-con"
SQL_HEADER = "x-bench-sql"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Phases:
    """Seconds spent in each part of the run, for the time budget (printed at the end)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def mark(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = round(self.seconds.get(name, 0) + now - self._last, 1)
        self._last = now

    def lines(self) -> list[str]:
        return [f"  {name:44} {seconds:7.1f} s" for name, seconds in self.seconds.items()]


# --- database and Redis ---------------------------------------------------------------------
def bench_database_url() -> tuple[str, str]:
    """(URL of the dedicated bench database, its name). DATABASE_URL's name + ``_bench``, or
    the embedded server's ``midsummer_bench``; the dev and test databases are never touched."""
    given = os.environ.get("DATABASE_URL", "")
    if given:
        parts = urlsplit(given)
        name = parts.path.lstrip("/") + "_bench"
        return urlunsplit(parts._replace(path="/" + name)), name
    from midsummer.embedded import embedded_postgres_settings

    data_dir = Path(os.environ.get("MIDSUMMER_DATA_DIR", ROOT / ".data"))
    settings = embedded_postgres_settings(data_dir)
    name = "midsummer_bench"
    return f"postgres://{settings['USER']}@{quote(settings['HOST'], safe='')}/{name}", name


def connection_params(url: str) -> dict:
    """psycopg keyword arguments for a postgres:// URL whose host may be a URL-encoded socket
    directory (``postgres://user@%2Fvar%2Frun/db``)."""
    parts = urlsplit(url)
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    host, port = unquote(hostport), None
    if not host.startswith("/") and ":" in hostport:
        host, port = hostport.rsplit(":", 1)
    params = {"host": host, "port": port, "user": unquote(user), "password": unquote(password)}
    return {k: v for k, v in params.items() if v} | {"dbname": unquote(parts.path.lstrip("/"))}


def database_recreate(url: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg

    params = connection_params(url) | {"dbname": "postgres"}
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def redis_url() -> str:
    given = os.environ.get("REDIS_URL", "")
    if given:
        return given
    from midsummer.embedded import start_embedded_redis

    return start_embedded_redis(
        Path(os.environ.get("MIDSUMMER_DATA_DIR", ROOT / ".data")) / "bench-redis"
    )


# --- servers ----------------------------------------------------------------------------------
class Server:
    """gunicorn with ``workers`` sync workers on 127.0.0.1, serving one settings variant."""

    def __init__(self, stack: str, env: dict[str, str], logs: Path, *, workers: int) -> None:
        import socket

        with socket.socket() as sock:
            sock.bind((LOOPBACK, 0))
            self.port = sock.getsockname()[1]
        self.stack = stack
        self.log_path = logs / f"gunicorn-{stack}.log"
        self.process = subprocess.Popen(  # noqa: S603 - our own virtualenv's gunicorn
            [
                str(BIN / "gunicorn"),
                "midsummer.wsgi",
                "--bind",
                f"{LOOPBACK}:{self.port}",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env | {"DJANGO_SETTINGS_MODULE": f"bench.settings.{stack}"},
            stdout=self.log_path.open("wb"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn ({stack}) exited; see {self.log_path}")
            try:
                if self.get(PAGE_HOST, PAGE_PATH)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn ({stack}) did not serve the page; see {self.log_path}")

    def get(self, host: str, path: str) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection(LOOPBACK, self.port, timeout=10)
        try:
            conn.request("GET", path, headers={"Host": host})
            response = conn.getresponse()
            headers = {k.lower(): v for k, v in response.getheaders()}
            return response.status, headers, response.read().decode()
        finally:
            conn.close()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def load_page(server: Server, *, connections: int, seconds: float, use_wrk: bool) -> dict:
    """Page load from a separate process: wrk, or the asyncio client."""
    if use_wrk:
        return run_wrk(
            port=server.port,
            host=PAGE_HOST,
            path=PAGE_PATH,
            connections=connections,
            seconds=seconds,
        )
    return python_load(server, connections=connections, seconds=seconds, max_requests=100_000)


def python_load(
    server: Server,
    *,
    connections: int,
    seconds: float,
    max_requests: int,
    path: str = PAGE_PATH,
    cookies: tuple[str, ...] = (),
) -> dict:
    done = subprocess.run(  # noqa: S603 - our own module
        [
            sys.executable,
            "-m",
            "bench.load",
            "page",
            "--port",
            str(server.port),
            "--host",
            PAGE_HOST,
            "--path",
            path,
            "--connections",
            str(connections),
            "--seconds",
            str(seconds),
            "--max-requests",
            str(max_requests),
            *(f"--cookie={cookie}" for cookie in cookies),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 120,
    )
    return json.loads(done.stdout)


def sql_per_request(server: Server, samples: int = 12) -> dict:
    """Statements per request on the warm path, from the counting middleware's header."""
    counts = []
    for _ in range(samples):
        status, headers, body = server.get(PAGE_HOST, PAGE_PATH)
        if status != 200 or EVENT_NAME not in body:
            raise RuntimeError(f"{server.stack}: the bench page answered {status}: {body[:200]}")
        counts.append(int(headers[SQL_HEADER]))
    warm = counts[samples // 2 :]  # each of the workers has served several by now
    return {"counts": counts, "warm": Counter(warm).most_common(1)[0][0], "warm_max": max(warm)}


# --- data -------------------------------------------------------------------------------------
def tenants_ensure(total: int, *, batch: int = 50, threads: int = 2) -> float:
    """Create tenants until ``total`` tenant schemas exist (public not counted), by our clone
    of the template, in batches: the batch's rows with ``bulk_create`` in one transaction, then
    one ``schema_clone`` per tenant (real schemas, each the template's exact copy, each in its
    own transaction), batches on ``threads`` connections at once. Existing tenants are kept,
    so scenarios grow the same set (10, then 500, then 1,000). Returns the seconds it took."""
    from concurrent.futures import ThreadPoolExecutor

    from tenant.models import Tenant
    from tenant.schema_clone import template_ensure

    template_ensure()
    # Every tenant schema counts (the template and provisioned ones too); ours are numbered.
    missing = total - Tenant.objects.exclude(schema_name="public").count()
    next_number = Tenant.objects.filter(schema_name__startswith="bench_t").count()
    started = time.perf_counter()
    end = next_number + missing
    batches = [range(first, min(first + batch, end)) for first in range(next_number, end, batch)]
    if not batches:
        return 0.0
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for done, _ in enumerate(pool.map(_tenants_batch, batches), start=1):
            if done % 4 == 0 or done == len(batches):
                log(f"  {total - end + batches[done - 1][-1] + 1}/{total} tenants")
    return time.perf_counter() - started


def _tenants_batch(numbers: range) -> None:
    from django.db import connection, transaction

    from tenant.models import Domain, Tenant
    from tenant.schema_clone import TEMPLATE_SCHEMA, schema_clone

    try:
        with transaction.atomic():
            tenants = Tenant.objects.bulk_create(
                Tenant(schema_name=f"bench_t{n:04d}", name=f"Bench {n}") for n in numbers
            )
            Domain.objects.bulk_create(
                Domain(tenant=t, domain=t.schema_name.replace("_", "-") + ".localhost")
                for t in tenants
            )
        # One transaction per clone, as in the product: a clone holds ~450 locks until it
        # commits, and the server's lock table (max_locks_per_transaction × max_connections,
        # 6,400 by default) is shared by every session: 50 clones in one transaction overflow it.
        for t in tenants:
            schema_clone(source=TEMPLATE_SCHEMA, target=t.schema_name)
        connection.set_schema_to_public()  # type: ignore[attr-defined]
    finally:
        connection.close()  # this thread's own connection


def page_tenant_prepare() -> None:
    """The first bench tenant gets the one row the page reads (an active event)."""
    from django_tenants.utils import schema_context

    from event.models import Event
    from event.services import event_generate_properties

    with schema_context(PAGE_SCHEMA):
        event = Event.objects.create(
            name=EVENT_NAME,
            slug=EVENT_SLUG,
            start_date=dt.date(2031, 7, 1),
            end_date=dt.date(2031, 7, 3),
            is_active=True,
        )
        event_generate_properties(event=event)


_CHECKPOINTS_SQL = (
    # PostgreSQL 17 moved the counters from pg_stat_bgwriter to pg_stat_checkpointer.
    "SELECT num_timed + num_requested FROM pg_stat_checkpointer",
    "SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter",
)


def _checkpoints(conn) -> int:
    import psycopg

    for sql in _CHECKPOINTS_SQL:
        try:
            return conn.execute(sql).fetchone()[0]
        except psycopg.errors.UndefinedTable:
            continue
    return 0


class DatabaseWatch:
    """What the database did in the background while a load ran, sampled on a connection of its
    own: autovacuum workers seen, and checkpoints started. Either competes with the servers for
    the CPU and the disk, and a burst of DDL (hundreds of new schemas) leaves both behind."""

    def __init__(self, url: str, interval: float = 0.25) -> None:
        self.url, self.interval = url, interval
        self.autovacuum: set[str] = set()
        self.checkpoints = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> DatabaseWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def notes(self) -> str:
        parts = [f"autovacuum: {'; '.join(sorted(self.autovacuum))}"] if self.autovacuum else []
        return ", ".join(
            parts + ([f"{self.checkpoints} checkpoint(s)"] if self.checkpoints else [])
        )

    def _sample(self) -> None:
        import psycopg

        with psycopg.connect(**connection_params(self.url), autocommit=True) as conn:
            before = _checkpoints(conn)
            while not self._stop.is_set():
                rows = conn.execute(
                    "SELECT query FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'"
                ).fetchall()
                self.autovacuum.update(query for (query,) in rows if query)
                self._stop.wait(self.interval)
            self.checkpoints = _checkpoints(conn) - before


# Tables autovacuum would pick now (its default thresholds): dead rows, rows changed since the
# last ANALYZE, rows inserted since the last VACUUM. After hundreds of new schemas that is most
# of the catalog and every table the clone filled.
_AUTOVACUUM_DUE_SQL = """
    SELECT format('%I.%I', s.schemaname, s.relname)
      FROM pg_stat_all_tables s JOIN pg_class c ON c.oid = s.relid
     WHERE c.relkind = 'r' AND (
           s.n_dead_tup > 50 + 0.2 * greatest(c.reltuples, 0)
        OR s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0)
        OR s.n_ins_since_vacuum > 1000 + 0.2 * greatest(c.reltuples, 0))
"""


def database_settle(url: str, *, timeout: float = 120) -> tuple[int, float]:
    """After a burst of DDL, do now what the database would otherwise do in the middle of a
    measurement: VACUUM ANALYZE the tables autovacuum is due to visit, a checkpoint, then wait
    until no autovacuum worker runs. Returns (tables vacuumed, seconds it took)."""
    import psycopg
    from psycopg import sql

    started = time.perf_counter()
    vacuumed = 0
    with psycopg.connect(**connection_params(url), autocommit=True) as conn:
        for _ in range(3):  # ANALYZE writes pg_statistic, which may then be due in turn
            due = [name for (name,) in conn.execute(_AUTOVACUUM_DUE_SQL).fetchall()]
            for first in range(0, len(due), 200):
                names = [sql.SQL(name) for name in due[first : first + 200]]  # already quoted
                conn.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.SQL(", ").join(names)))
            vacuumed += len(due)
            if not due:
                break
        conn.execute("CHECKPOINT")
        while time.perf_counter() - started < timeout:
            busy = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'"
            ).fetchone()[0]
            if not busy:
                break
            time.sleep(1)
    return vacuumed, time.perf_counter() - started


# --- scenarios --------------------------------------------------------------------------------
def page_scenario(servers: dict[str, Server], args) -> dict[str, dict]:
    """Interleaved repeats of the page load on every stack, plus each one's SQL count."""
    out: dict[str, dict] = {name: {"runs": []} for name in servers}
    for name, server in servers.items():
        load_page(server, connections=args.connections, seconds=2, use_wrk=args.wrk)  # warm
        out[name]["sql"] = sql_per_request(server)
    for _ in range(args.repeats):
        for name, server in servers.items():
            with DatabaseWatch(args.database_url) as database:
                result = load_page(
                    server, connections=args.connections, seconds=args.seconds, use_wrk=args.wrk
                )
            result["autovacuum"] = sorted(database.autovacuum)
            result["checkpoints"] = database.checkpoints
            out[name]["runs"].append(result)
            log(
                f"  {name:5} {result['rps']:7.1f} req/s  p50 {result['p50_ms']:.1f} ms  "
                f"p99 {result['p99_ms']:.1f} ms  non-2xx {result['non_2xx']}"
                + (f"  ({database.notes()})" if database.notes() else "")
            )
    return out


def _poll_served(server: Server, host: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.get(host, PAGE_PATH)[0] == 200:
            return
        time.sleep(0.01)
    raise RuntimeError(f"{host} was not served")


def provisioning_scenario(
    server: Server, *, ours_repeats: int, stock_repeats: int, tag: str = ""
) -> dict:
    """Seconds from "create" to the new host answering 200 through gunicorn."""
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
    from django_tenants.utils import schema_exists

    from tenant.models import Domain, Tenant
    from tenant.services import tenant_create

    ours: list[float] = []
    stock: list[float] = []
    created: dict[str, list[float]] = {"ours": [], "stock": []}
    for n in range(ours_repeats):
        host = f"prov-ours{tag.replace('_', '-')}-{n}.localhost"
        started = time.perf_counter()
        tenant_create(schema_name=f"prov_ours{tag}_{n}", name=f"Provisioned {n}", domain=host)
        created["ours"].append(time.perf_counter() - started)
        _poll_served(server, host)
        ours.append(time.perf_counter() - started)
        log(f"  ours  {ours[-1]:.3f} s (created in {created['ours'][-1]:.3f} s)")
    for n in range(stock_repeats):
        # What django-tenants does without a base schema: CREATE SCHEMA, then every migration.
        schema, host = f"prov_stock_{n}", f"prov-stock-{n}.localhost"
        started = time.perf_counter()
        tenant = Tenant(schema_name=schema, name=f"Stock {n}")
        tenant.auto_create_schema = False
        tenant.save(verbosity=0)
        assert not schema_exists(schema)  # noqa: S101 - a broken premise must stop the bench
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{schema}"')
        call_command(
            MigrateSchemasCommand(),
            tenant=True,
            schema_name=schema,
            interactive=False,
            verbosity=0,
            executor="standard",
        )
        connection.set_schema_to_public()
        Domain.objects.create(tenant=tenant, domain=host, is_primary=True)
        created["stock"].append(time.perf_counter() - started)
        _poll_served(server, host)
        stock.append(time.perf_counter() - started)
        log(f"  stock {stock[-1]:.3f} s (created in {created['stock'][-1]:.3f} s)")
    return {"ours": ours, "stock": stock, "created": created}


def timed_command(command: list[str], env: dict[str, str], log_path: Path) -> float:
    started = time.perf_counter()
    with log_path.open("ab") as out:
        subprocess.run(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, check=True)  # noqa: S603
    return time.perf_counter() - started


def migrate_scenario(env: dict[str, str], logs: Path, args) -> dict[str, list[float]]:
    """A no-op migrate of every tenant: ``manage.py migrate_schemas`` as it is at the moment,
    against django-tenants' stock command with the standard executor."""
    flags = ["--tenant", "--noinput", "--verbosity", "0"]
    ours_cmd = [sys.executable, "manage.py", "migrate_schemas", *flags]
    stock_cmd = [sys.executable, "-m", "bench.stock_migrate", *flags]
    ours: list[float] = []
    stock: list[float] = []
    for _ in range(args.repeats):  # interleaved, so drifting background load hits both
        ours.append(timed_command(ours_cmd, env, logs / "migrate-ours.log"))
        stock.append(timed_command(stock_cmd, env, logs / "migrate-stock.log"))
        log(f"  ours  {ours[-1]:.1f} s   stock {stock[-1]:.1f} s")
        if ours[-1] + stock[-1] > 60:  # slow: one pair is what the time budget allows
            break
    return {"ours": ours, "stock": stock}


def new_migration_scenario(env: dict[str, str], logs: Path, settle: Callable[[], None]) -> dict:
    """One new migration over every tenant: ``manage.py migrate_schemas --tenant`` with the
    bench-only app ``bench.new_migration_a`` installed, then the stock command with
    ``bench.new_migration_b`` (the same migration: a table with an index and a foreign key).
    One run each: a repeat would first have to roll the migration back everywhere. Checked
    afterwards: every tenant schema has both tables. ``settle`` runs between the untimed step
    back of event 0005 and its timed step forward."""
    from django.db import connection

    from tenant.models import Tenant

    flags = ["--tenant", "--noinput", "--verbosity", "0"]
    ours = timed_command(
        [sys.executable, "manage.py", "migrate_schemas", *flags],
        env | {"BENCH_NEW_MIGRATION": "a"},
        logs / "new-migration-ours.log",
    )
    log(f"  ours  {ours:.1f} s")
    stock = timed_command(
        [sys.executable, "-m", "bench.stock_migrate", *flags],
        env | {"BENCH_NEW_MIGRATION": "b"},
        logs / "new-migration-stock.log",
    )
    log(f"  stock {stock:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, count(*) FROM pg_class WHERE relkind = 'r' AND relname IN "
            "('bench_new_migration_a_benchnote', 'bench_new_migration_b_benchnote') "
            "GROUP BY relname"
        )
        applied = dict(cursor.fetchall())
    schemas = Tenant.objects.exclude(schema_name="public").count()
    if set(applied.values()) != {schemas} or len(applied) != 2:
        raise RuntimeError(f"the new migration is not in every schema: {applied} of {schemas}")

    # A real one of ours: event 0005 (each event's state, a column and a data migration that
    # works it out from the dates), taken back everywhere first (not timed), then forward to
    # exactly event 0005 (timed). Going back also takes back what depends on it (register
    # 0010), brought forward again afterwards, not timed: the figure is one migration's.
    ours_cmd = [sys.executable, "manage.py", "migrate_schemas", *flags]
    log("  event 0005: stepping back to event 0004 everywhere (not timed)")
    back = timed_command([*ours_cmd, "event", "0004"], env, logs / "event-state-back.log")
    log(f"  stepped back in {back:.0f} s")
    # The step back drops and re-adds columns and constraints in every schema: the catalog is
    # left with hundreds of thousands of dead rows that a real database's autovacuum would have
    # cleared before anyone ran the next migration. The new-table step is timed on a settled
    # database; so is this one.
    settle()
    event_state = timed_command([*ours_cmd, "event", "0005"], env, logs / "event-state-forward.log")
    log(f"  ours, event 0005 (state + data) {event_state:.1f} s")
    timed_command(ours_cmd, env, logs / "event-state-dependents.log")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'event_event' "
            "AND column_name = 'state' AND table_schema <> 'public'"
        )
        (with_state,) = cursor.fetchone()
    if with_state < schemas:
        raise RuntimeError(f"event 0005 is in {with_state} of {schemas} schemas")
    return {"ours": [ours], "stock": [stock], "schemas": schemas, "event_state": [event_state]}


def rush_prepare(*, attendees: int, prefix: str = "rush") -> list[str]:
    """Accounts (public) and their logged-in sessions on the page tenant's host."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django_tenants.utils import schema_context

    from tenant.models import User

    password = make_password(secrets.token_urlsafe(12))
    users = User.objects.bulk_create(
        User(email=f"{prefix}{n}@bench.localhost", password=password) for n in range(attendees)
    )
    keys = []
    with schema_context(PAGE_SCHEMA):
        for user in users:
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "tenant.backends.MembershipBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            keys.append(session.session_key)
    return keys


def rush_scenario(server: Server, sessions: list[str], args, run: int) -> dict:
    from decimal import Decimal

    from django_tenants.utils import schema_context

    from event.models import Event
    from register.models import BadgeLevel, Order, Registration

    with schema_context(PAGE_SCHEMA):
        event = Event.objects.get(is_active=True)
        level = BadgeLevel.objects.create(
            event=event, name=f"Rush {run}", price=Decimal("0"), capacity=args.capacity
        )
    result = _run_rush_client(
        ["bench.load", "rush"],
        {"sessions": sessions, "level_id": level.pk, "register": f"/{EVENT_SLUG}/register/"},
        server=server,
        connections=args.rush_connections,
    )
    with schema_context(PAGE_SCHEMA):
        result["paid"] = Registration.objects.filter(
            level=level, order__status=Order.Status.PAID
        ).count()
        result["registrations"] = Registration.objects.filter(level=level).count()
    result["oversold"] = max(0, result["registrations"] - args.capacity)
    page = python_load(
        server, connections=args.rush_connections, seconds=120, max_requests=len(sessions)
    )
    result["page_p99_ms"] = page["p99_ms"]
    result["page_worker_ms"] = page.get("worker_ms_mean")
    # The register form itself (logged in, no purchase): what rendering costs without locks.
    form = python_load(
        server,
        connections=args.rush_connections,
        seconds=120,
        max_requests=len(sessions),
        path=f"/{EVENT_SLUG}/register/",
        cookies=(f"sessionid={sessions[0]}",),
    )
    result["form_p99_ms"] = form["p99_ms"]
    result["form_statuses"] = form["statuses"]
    result["page_server_errors"] = page["server_errors"] + form["server_errors"]
    log(
        f"  paid {result['paid']}/{args.capacity}, oversold {result['oversold']}, statuses "
        f"{result['statuses']}, {result['accepted_per_s']:.1f} registrations/s, purchase p99 "
        f"{result['p99_ms']:.0f} ms vs page p99 {page['p99_ms']:.0f} ms, GET /register/ p99 "
        f"{form['p99_ms']:.0f} ms, {result['sql_per_purchase']} SQL statements per purchase"
    )
    for outcome, figures in sorted(result["inside"].items()):
        if outcome == "all":
            continue
        log(
            f"    {outcome:6} ×{figures['worker_ms']['n']:<4} in the worker "
            + ", ".join(
                f"{name.removesuffix('_ms')} p50 {f['p50']:.1f} p99 {f['p99']:.1f} ms"
                for name, f in figures.items()
            )
        )
    log(
        f"    page in the worker: mean {page.get('worker_ms_mean', 0):.2f} ms; GET /register/ "
        f"mean {form.get('worker_ms_mean', 0):.2f} ms"
    )
    return result


# --- report -----------------------------------------------------------------------------------
def _figure(runs: list[dict], key: str) -> Summary:
    return summarize([run[key] for run in runs])


def page_rows(label: str, pages: dict[str, dict], *, plain_goal: bool) -> list[Row]:
    ours, stock, plain = pages["ours"], pages["stock"], pages["plain"]
    rows = []
    rps_ratio = ratio(_figure(ours["runs"], "rps").median, _figure(plain["runs"], "rps").median)
    rows.append(
        Row(
            f"1 tenant page, {label}",
            "throughput",
            _figure(ours["runs"], "rps"),
            _figure(plain["runs"], "rps"),
            "plain Django",
            "req/s",
            rps_ratio,
            "≥ 0.95× plain" if plain_goal else "—",
            (rps_ratio is not None and rps_ratio >= 0.95) if plain_goal else None,
        )
    )
    for pct in ("p50", "p99"):
        key = f"{pct}_ms"
        rows.append(
            Row(
                f"1 tenant page, {label}",
                f"{pct} latency",
                _figure(ours["runs"], key),
                _figure(plain["runs"], key),
                "plain Django",
                "ms",
                ratio(_figure(ours["runs"], key).median, _figure(plain["runs"], key).median),
                "—",
                None,
            )
        )
    rows.append(
        Row(
            f"1 tenant page, {label}",
            "SQL per warm request",
            summarize([ours["sql"]["warm"]]),
            summarize([plain["sql"]["warm"]]),
            "plain Django",
            "",
            ratio(ours["sql"]["warm"], plain["sql"]["warm"]),
            "= plain (0 extra)",
            ours["sql"]["warm_max"] <= plain["sql"]["warm"],
        )
    )
    stock_rps = _figure(stock["runs"], "rps")
    stock_vs_plain = ratio(stock_rps.median, _figure(plain["runs"], "rps").median) or 0
    rows.append(
        Row(
            f"3 stock django-tenants, {label}",
            "throughput",
            _figure(ours["runs"], "rps"),
            stock_rps,
            "stock",
            "req/s",
            ratio(_figure(ours["runs"], "rps").median, stock_rps.median),
            "report",
            None,
            notes=f"stock = {stock_vs_plain:.2f}× plain",
        )
    )
    rows.append(
        Row(
            f"3 stock django-tenants, {label}",
            "SQL per warm request",
            summarize([ours["sql"]["warm"]]),
            summarize([stock["sql"]["warm"]]),
            "stock",
            "",
            ratio(ours["sql"]["warm"], stock["sql"]["warm"]),
            "report",
            None,
        )
    )
    return rows


def tenant_count_row(small: dict, large: dict, args) -> Row:
    """Ours at many tenants against ours at few, each as a fraction of plain Django measured
    alongside it: the two runs are minutes apart, and the machine's load drifts meanwhile."""
    relative = {
        label: [
            ours["rps"] / plain["rps"]
            for ours, plain in zip(page["ours"]["runs"], page["plain"]["runs"], strict=True)
        ]
        for label, page in (("small", small), ("large", large))
    }
    large_rel, small_rel = summarize(relative["large"]), summarize(relative["small"])
    r = ratio(large_rel.median, small_rel.median)
    raw = ratio(
        _figure(large["ours"]["runs"], "rps").median, _figure(small["ours"]["runs"], "rps").median
    )
    return Row(
        "2 tenant count",
        f"ours/plain at {args.large} vs at {args.small} tenants",
        large_rel,
        small_rel,
        f"{args.small} tenants",
        "× plain",
        r,
        "within 5%",
        r is not None and abs(r - 1) <= 0.05,
        notes=f"raw req/s ratio {raw or 0:.2f}× (background load drifts between the two)",
    )


def rush_cause_rows(runs: list[dict], args) -> list[Row]:
    """Where the purchase p99 goes: work in the worker (against the page's), the row locks'
    wait, and time queued for a worker (bench middleware's headers, per response)."""
    inside = [run["inside"] for run in runs]
    work = summarize([i["all"]["worker_ms"]["mean"] for i in inside])
    page_work = _figure(runs, "page_worker_ms")
    by_outcome = ", ".join(
        f"{name} {summarize([i[key]['worker_ms']['mean'] for i in inside]).median:.1f} ms "
        f"(CPU {summarize([i[key]['cpu_ms']['mean'] for i in inside]).median:.1f})"
        for key, name in (("bought", "bought"), ("400", "sold out"))
        if all(key in i for i in inside)
    )
    lock = summarize([i["all"]["lock_ms"]["p99"] for i in inside])
    queued = summarize([i["all"]["queued_ms"]["p99"] for i in inside])
    purchase = _figure(runs, "p99_ms")
    return [
        Row(
            "6 registration rush",
            "purchase: time in the worker (mean)",
            work,
            page_work,
            "page in the worker",
            "ms",
            ratio(work.median, page_work.median),
            "report",
            None,
            notes=by_outcome,
        ),
        Row(
            "6 registration rush",
            "row-lock wait p99",
            lock,
            purchase,
            "purchase p99",
            "ms",
            ratio(lock.median, purchase.median),
            "report",
            None,
            notes=f"queued for one of {args.workers} workers: p99 {queued.median:.0f} ms",
        ),
    ]


def build_rows(results: dict, args) -> list[Row]:
    rows: list[Row] = []
    if "page_small" in results:
        rows += page_rows(f"{args.small} tenants", results["page_small"], plain_goal=True)
    if "page_large" in results:
        rows += page_rows(f"{args.large} tenants", results["page_large"], plain_goal=True)
        if "page_small" in results:
            rows.append(tenant_count_row(results["page_small"], results["page_large"], args))
    if "provisioning" in results:
        ours = summarize(results["provisioning"]["ours"])
        stock = summarize(results["provisioning"]["stock"])
        speedup = ratio(stock.median, ours.median)
        rows.append(
            Row(
                "4 provisioning",
                "create → served",
                ours,
                stock,
                "migrations",
                "s",
                speedup,
                "≥ 10× and < 1 s",
                speedup is not None and speedup >= 10 and ours.median < 1,
                notes="ratio = speed-up (stock / ours)",
            )
        )
    if "provisioning_large" in results and "provisioning" in results:
        large = summarize(results["provisioning_large"]["ours"])
        small = summarize(results["provisioning"]["ours"])
        rows.append(
            Row(
                "4 provisioning",
                f"ours at {args.large} tenants",
                large,
                small,
                f"at {args.small} tenants",
                "s",
                ratio(large.median, small.median),
                "< 1 s",
                large.median < 1,
                notes="ratio = large / small (1.0: tenant count does not matter)",
            )
        )
    if "migrate" in results:
        ours = summarize(results["migrate"]["ours"])
        stock = summarize(results["migrate"]["stock"])
        speedup = ratio(stock.median, ours.median)
        rows.append(
            Row(
                "5 no-op migrate",
                f"{results['migrate']['tenants']} tenants",
                ours,
                stock,
                "stock standard",
                "s",
                speedup,
                "≥ 10×",
                speedup is not None and speedup >= 10,
                notes="ratio = speed-up (stock / ours)",
            )
        )
    if "new_migration" in results:
        ours = summarize(results["new_migration"]["ours"])
        stock = summarize(results["new_migration"]["stock"])
        rows.append(
            Row(
                "5 one new migration",
                f"{results['new_migration']['schemas']} schemas",
                ours,
                stock,
                "stock standard",
                "s",
                ratio(stock.median, ours.median),
                "report",
                None,
                notes="ratio = speed-up (stock / ours); one run each",
            )
        )
        if "event_state" in results["new_migration"]:
            state = summarize(results["new_migration"]["event_state"])
            slower = ratio(state.median, ours.median)
            rows.append(
                Row(
                    "5 event 0005 (state + data)",
                    f"{results['new_migration']['schemas']} schemas",
                    state,
                    ours,
                    "ours, the new-table migration",
                    "s",
                    slower,
                    "≤ 1.25× one new migration",
                    slower is not None and slower <= 1.25,
                    notes="ratio = ours / the bench's one new migration; one run",
                )
            )
    if "schedule" in results:
        from bench import schedule

        rows += schedule.rows(results["schedule"])
    if "kiosk" in results:
        from bench import kiosk

        rows += kiosk.rows(results["kiosk"])
    if "staff" in results:
        from bench import staff

        rows += staff.rows(results["staff"])
    if "shop" in results:
        from bench import shop

        rows += shop.rows(results["shop"])
    if "vendors" in results:
        from bench import vendors

        rows += vendors.rows(results["vendors"])
    if "api" in results:
        from bench import api

        rows += api.rows(results["api"])
    if "scale" in results:
        from bench import scale

        rows += scale.rows(results["scale"])
    if "directory" in results:
        from bench import scale

        rows += scale.directory_rows(results["directory"])
    if results.get("rush"):
        runs = results["rush"]
        correct = all(
            r["paid"] == args.capacity
            and r["oversold"] == 0
            and r["server_errors"] == 0
            and r["page_server_errors"] == 0
            for r in runs
        )
        rows.append(
            Row(
                "6 registration rush",
                f"paid of {args.capacity} ({args.attendees} buyers)",
                summarize([r["paid"] for r in runs]),
                None,
                "",
                "",
                None,
                "exactly cap., 0 oversold, 0 5xx",
                correct,
                notes=f"oversold {[r['oversold'] for r in runs]}, 5xx "
                f"{[r['server_errors'] for r in runs]}",
            )
        )
        purchase, page = _figure(runs, "p99_ms"), _figure(runs, "page_p99_ms")
        r = ratio(purchase.median, page.median)
        rows.append(
            Row(
                "6 registration rush",
                f"purchase p99 at {args.rush_connections} conc.",
                purchase,
                page,
                "page p99",
                "ms",
                r,
                "< 10× page p99",
                r is not None and r < 10,
            )
        )
        if all("form_p99_ms" in run for run in runs):
            form = _figure(runs, "form_p99_ms")
            rows.append(
                Row(
                    "6 registration rush",
                    "purchase p99 vs the form's",
                    purchase,
                    form,
                    "GET /register/ p99",
                    "ms",
                    ratio(purchase.median, form.median),
                    "report",
                    None,
                    notes="the same page rendered without buying; SQL per purchase (median) "
                    f"{[run.get('sql_per_purchase') for run in runs]}",
                )
            )
        if all(run.get("inside", {}).get("all") and run.get("page_worker_ms") for run in runs):
            rows += rush_cause_rows(runs, args)
        rows.append(
            Row(
                "6 registration rush",
                "completed registrations/s",
                _figure(runs, "accepted_per_s"),
                None,
                "",
                "/s",
                None,
                "report",
                None,
            )
        )
    return rows


def chart(rows: list[Row], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = [row for row in rows if row.ratio is not None]
    fig, ax = plt.subplots(figsize=(10, 0.45 * len(shown) + 1.5))
    labels = [f"{row.scenario}: {row.metric}" for row in shown]
    colors = [{True: "tab:green", False: "tab:red", None: "tab:gray"}[row.met] for row in shown]
    ax.barh(range(len(shown)), [row.ratio for row in shown], color=colors)
    ax.set_yticks(range(len(shown)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_xlabel("ratio (ours / baseline; speed-up for provisioning and migrate) — log scale")
    for i, row in enumerate(shown):
        ax.text(row.ratio, i, f" {row.ratio:.2f}×", va="center", fontsize=8)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# --- main -------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small numbers, for a smoke run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5, help="per page-load run")
    parser.add_argument("--connections", type=int, default=16, help="page-load connections")
    parser.add_argument("--small", type=int, default=10, help="tenants, scenario 1")
    parser.add_argument("--migrate-tenants", type=int, default=500)
    parser.add_argument("--large", type=int, default=1000, help="tenants, scenario 2")
    parser.add_argument("--provision-repeats", type=int, default=5)
    parser.add_argument("--stock-provision-repeats", type=int, default=3)
    parser.add_argument("--attendees", type=int, default=500)
    parser.add_argument("--capacity", type=int, default=100)
    parser.add_argument("--rush-connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn sync workers")
    parser.add_argument("--rush-repeats", type=int, default=2)
    parser.add_argument(
        "--no-new-migration",
        dest="new_migration",
        action="store_false",
        help="skip applying one new migration over --migrate-tenants tenants (ours vs stock)",
    )
    parser.add_argument(
        "--only",
        choices=[
            "rush",
            "tenant-count",
            "schedule",
            "kiosk",
            "staff",
            "shop",
            "vendors",
            "api",
            "migrate",
            "scale",
            "directory",
        ],
        help="run only this scenario (after the setup it needs); the full run is the default "
        "(scale and directory are opt-in: never part of the full run)",
    )
    parser.add_argument(
        "--scale",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1000, 5000],
        help="tenant counts of --only scale and --only directory, comma-separated",
    )
    parser.add_argument("--no-wrk", dest="wrk", action="store_false", default=None)
    parser.add_argument("--keep-db", action="store_true", help="do not drop the bench database")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeats, args.seconds, args.migrate_tenants, args.large = 2, 2, 30, 40
        args.provision_repeats = args.stock_provision_repeats = 2
        args.attendees, args.capacity, args.rush_connections, args.rush_repeats = 60, 20, 20, 1
    if args.wrk is None:
        args.wrk = wrk_available()
    return args


def _settle(args) -> None:
    tables, seconds = database_settle(args.database_url)
    log(f"  database settled in {seconds:.1f} s ({tables} tables vacuumed, checkpoint)")


def _scenario_5(env, logs: Path, args, results, phases) -> None:
    """Migrations at the middle tenant count: no-op, one new migration, event 0005."""
    from django.db import connections

    seconds = tenants_ensure(args.migrate_tenants)
    log(f"{args.migrate_tenants} tenants ({seconds:.1f} s to add them by clone)")
    connections.close_all()
    _settle(args)
    phases.mark(f"grow to {args.migrate_tenants} tenants (clone)")
    log(f"scenario 5: no-op migrate_schemas over {args.migrate_tenants} tenants")
    results["migrate"] = migrate_scenario(
        env | {"DJANGO_SETTINGS_MODULE": "bench.settings.ours"}, logs, args
    )
    results["migrate"]["tenants"] = args.migrate_tenants
    phases.mark(f"scenario 5: no-op migrate, {args.migrate_tenants} tenants")
    if args.new_migration:
        log(f"scenario 5b: one new migration over {args.migrate_tenants} tenants")
        results["new_migration"] = new_migration_scenario(
            env | {"DJANGO_SETTINGS_MODULE": "bench.settings.ours"}, logs, lambda: _settle(args)
        )
        phases.mark(f"scenario 5b: one new migration, {args.migrate_tenants} tenants")


def _scenarios_1_to_5(servers: dict[str, Server], env, logs: Path, args, results, phases) -> None:
    """Page load and provisioning at the small tenant count, migrations at the middle one, page
    load and provisioning again at the large one: each step grows the same set of tenants."""
    from django.db import connections

    results["page_small"] = page_scenario(servers, args)
    phases.mark(f"scenarios 1+3, {args.small} tenants")

    if args.only is None:  # --only tenant-count: straight to the large count
        log("scenario 4: provisioning")
        results["provisioning"] = provisioning_scenario(
            servers["ours"],
            ours_repeats=args.provision_repeats,
            stock_repeats=args.stock_provision_repeats,
        )
        phases.mark("scenario 4: provisioning")

        _scenario_5(env, logs, args, results, phases)

    seconds = tenants_ensure(args.large)
    log(f"{args.large} tenants ({seconds:.1f} s to add them by clone)")
    connections.close_all()
    _settle(args)
    phases.mark(f"grow to {args.large} tenants (clone)")
    log(f"scenario 2: page load again with {args.large} tenants")
    results["page_large"] = page_scenario(servers, args)
    phases.mark(f"scenarios 1-3, {args.large} tenants")

    if args.only is None:
        log(f"scenario 4 again, ours only, with {args.large} tenants")
        results["provisioning_large"] = provisioning_scenario(
            servers["ours"], ours_repeats=3, stock_repeats=0, tag="_large"
        )
        phases.mark(f"scenario 4, {args.large} tenants")


def _run_rush_client(module: list[str], spec: dict, *, server: Server, connections: int) -> dict:
    """Run a rush's load client (``python -m <module>``) in its own process against ``server``,
    handing it ``spec`` (sessions and targets) in a file; its JSON answer."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(spec, file)
    try:
        done = subprocess.run(  # noqa: S603 - our own module
            [sys.executable, "-m", *module, "--port", str(server.port), "--host", PAGE_HOST]
            + ["--connections", str(connections), "--spec", file.name],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        Path(file.name).unlink()
    if done.returncode:
        raise RuntimeError(f"the {module[0]} client failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def _scenario_6(servers: dict[str, Server], args, results, phases) -> None:
    from django.db import connections

    log(f"scenario 6: registration rush, {args.attendees} buyers, capacity {args.capacity}")
    for stack in ("plain", "stock"):
        if stack in servers:
            servers.pop(stack).stop()  # the rush has the machine to itself
    sessions = rush_prepare(attendees=args.attendees)
    connections.close_all()
    results["rush"] = [
        rush_scenario(servers["ours"], sessions, args, run) for run in range(args.rush_repeats)
    ]
    phases.mark("scenario 6: registration rush")


def _scenario_7(servers: dict[str, Server], args, results, phases) -> None:
    from django.db import connections

    from bench import schedule

    log(f"scenario 7: the programme of {schedule.SESSIONS} sessions and schedule.json (cached)")
    programme_path = schedule.prepare(PAGE_SCHEMA)
    connections.close_all()
    server = servers["ours"]

    def load(path: str) -> dict:
        if args.wrk:
            return run_wrk(
                port=server.port,
                host=PAGE_HOST,
                path=path,
                connections=args.connections,
                seconds=args.seconds,
            )
        return python_load(
            server,
            connections=args.connections,
            seconds=args.seconds,
            max_requests=100_000,
            path=path,
        )

    results["schedule"] = schedule.scenario(
        page_path=PAGE_PATH,
        programme_path=programme_path,
        load=load,
        get=lambda path: server.get(PAGE_HOST, path),
        repeats=args.repeats,
        log=log,
    )
    phases.mark("scenario 7: programme")


def _scenario_8(servers: dict[str, Server], args, results, phases) -> None:
    from django.db import connections

    from bench import kiosk

    log(f"scenario 8: door rush, {kiosk.DEVICES} devices × {kiosk.PER_DEVICE} badges")
    server = servers["ours"]
    try:
        results["kiosk"] = kiosk.scenario(
            schema=PAGE_SCHEMA,
            port=server.port,
            host=PAGE_HOST,
            page_path=PAGE_PATH,
            load=_page_load(server, args),
            repeats=max(1, args.repeats - 1),
            log=log,
        )
    finally:
        connections.close_all()
    phases.mark("scenario 8: door rush")


def _page_load(server: Server, args):
    """A load run of ``path`` on ``server`` with the page scenarios' tool and concurrency."""

    def load(path: str) -> dict:
        if args.wrk:
            return run_wrk(
                port=server.port,
                host=PAGE_HOST,
                path=path,
                connections=args.connections,
                seconds=args.seconds,
            )
        return python_load(
            server,
            connections=args.connections,
            seconds=args.seconds,
            max_requests=100_000,
            path=path,
        )

    return load


def _scenario_9(servers: dict[str, Server], args, results, phases) -> None:
    from django.db import connections

    from bench import staff
    from tenant.models import User

    log(
        f"scenario 9: shift sign-up rush, {staff.VOLUNTEERS} volunteers, "
        f"{staff.JOBS * staff.PLACES} places"
    )
    sessions = rush_prepare(attendees=staff.VOLUNTEERS, prefix="volunteer")
    account_ids = list(
        User.objects.filter(email__startswith="volunteer", email__endswith="@bench.localhost")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    connections.close_all()
    server = servers["ours"]

    def run_client(spec: dict) -> dict:
        result = _run_rush_client(
            ["bench.staff"],
            spec | {"sessions": sessions},
            server=server,
            connections=args.rush_connections,
        )
        connections.close_all()
        return result

    results["staff"] = staff.scenario(
        schema=PAGE_SCHEMA,
        account_ids=account_ids,
        sessions=sessions,
        run_client=run_client,
        page_load=lambda: python_load(
            server, connections=args.rush_connections, seconds=60, max_requests=len(sessions)
        ),
        log=log,
    )
    phases.mark("scenario 9: shift sign-up rush")


def _client_and_load(module: str, sessions: list[str], server: Server, args):
    """A scenario's load client (``python -m <module>`` with these sessions) and a page load
    of ``path`` with the same concurrency, each on fresh database connections."""
    from django.db import connections

    def run_client(spec: dict) -> dict:
        result = _run_rush_client(
            [module],
            spec | {"sessions": sessions},
            server=server,
            connections=args.rush_connections,
        )
        connections.close_all()
        return result

    def load(path: str = PAGE_PATH) -> dict:
        connections.close_all()
        return python_load(
            server,
            connections=args.rush_connections,
            seconds=60,
            max_requests=len(sessions),
            path=path,
        )

    return run_client, load


def _scenario_10(servers: dict[str, Server], args, results, phases) -> None:
    from django.db import connections

    from bench import shop

    log(f"scenario 10: merch drop, {shop.BUYERS} buyers, {shop.PIECES} pieces")
    sessions = rush_prepare(attendees=shop.BUYERS, prefix="buyer")
    connections.close_all()
    run_client, load = _client_and_load("bench.shop", sessions, servers["ours"], args)
    results["shop"] = shop.scenario(
        schema=PAGE_SCHEMA, sessions=sessions, run_client=run_client, page_load=load, log=log
    )
    phases.mark("scenario 10: merch drop")


def _scenario_11(servers: dict[str, Server], args, results, phases) -> None:
    from django.db import connections

    from bench import vendors

    log(f"scenario 11: the dealers' window opens, {vendors.DEALERS} dealers")
    sessions = rush_prepare(attendees=vendors.DEALERS, prefix="dealer")
    connections.close_all()
    run_client, load = _client_and_load("bench.vendors", sessions, servers["ours"], args)
    results["vendors"] = vendors.scenario(
        schema=PAGE_SCHEMA,
        sessions=sessions,
        run_client=run_client,
        page_load=load,
        den_load=lambda: load(f"/{EVENT_SLUG}{vendors.DEN_PATH}"),
        log=log,
    )
    phases.mark("scenario 11: the dealers' window")


def _scenario_12(servers: dict[str, Server], args, results, phases) -> None:
    from django.db import connections

    from bench import api

    log(f"scenario 12: API sync, {api.CLIENTS} clients × {api.BADGES} badges")
    server = servers["ours"]
    try:
        results["api"] = api.scenario(
            schema=PAGE_SCHEMA,
            port=server.port,
            host=PAGE_HOST,
            page_path=PAGE_PATH,
            load=_page_load(server, args),
            repeats=max(1, args.repeats - 1),
            log=log,
        )
    finally:
        connections.close_all()
    phases.mark("scenario 12: API sync")


def _scenario_13(env, logs: Path, args, results, phases) -> None:
    """Opt-in: the tick's pass at thousands of conventions (bench/scale.py)."""
    from django.db import connections

    from bench import scale

    def grow(count: int) -> float:
        seconds = tenants_ensure(count)
        connections.close_all()
        _settle(args)
        return seconds

    def command_seconds(arguments: list[str]) -> float:
        command = [sys.executable, "manage.py", *arguments]
        return timed_command(command, env, logs / "operator-commands.log")

    results["scale"] = scale.scenario(
        counts=args.scale, grow=grow, command_seconds=command_seconds, log=log
    )
    phases.mark(f"scenario 13: the tick at {', '.join(map(str, args.scale))} tenants")


def _scenario_13b(args, results, phases) -> None:
    """Opt-in: the directory alone, at counts of conventions held in public rows only."""
    from django.db import connections

    from bench import scale

    def settle() -> None:
        connections.close_all()
        _settle(args)

    results["directory"] = scale.directory_scenario(counts=args.scale, settle=settle, log=log)
    phases.mark(f"scenario 13b: the directory at {', '.join(map(str, args.scale))} conventions")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    RESULTS.mkdir(parents=True, exist_ok=True)
    logs = RESULTS / f"logs-{stamp}"
    logs.mkdir()
    url, db_name = bench_database_url()
    args.database_url = url
    log(f"bench database {db_name} (created now, dropped at the end)")
    database_recreate(url, db_name)
    queue = f"bench-{secrets.token_hex(4)}"
    env = {
        **os.environ,
        "MIDSUMMER_DEV": "1",
        "DATABASE_URL": url,
        "REDIS_URL": redis_url(),
        # Tasks (confirmation mails) are queued to Redis; no worker runs during the bench.
        "CELERY_QUEUE": queue,
        "BENCH_PLAIN_SCHEMA": PAGE_SCHEMA,
        "PYTHONUNBUFFERED": "1",
    }
    os.environ.update(env | {"DJANGO_SETTINGS_MODULE": "bench.settings.ours"})
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    servers: dict[str, Server] = {}
    results: dict = {}
    failure = ""
    phases = Phases()
    try:
        log("migrating public and the template")
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        seconds = tenants_ensure(args.small)
        log(f"{args.small} tenants created by clone in {seconds:.1f} s")
        page_tenant_prepare()
        connections.close_all()
        _settle(args)
        phases.mark(f"setup: migrate public, {args.small} tenants")
        tool = "wrk" if args.wrk else "python asyncio client"
        # Commands, passes and in-process requests only: no page servers.
        serves_no_pages = args.only in ("scale", "migrate", "directory")
        if not serves_no_pages:
            log(
                f"scenarios 1+3: page load, {tool}, {args.connections} connections, "
                f"{args.repeats}×{args.seconds:g} s each, gunicorn {args.workers} workers"
            )
        only_ours = args.only in ("rush", "schedule", "kiosk", "staff", "shop", "vendors", "api")
        stacks = ("ours",) if only_ours else ("plain", "ours", "stock")
        for stack in () if serves_no_pages else stacks:
            servers[stack] = Server(stack, env, logs, workers=args.workers)
        if args.only is None or args.only == "tenant-count":
            _scenarios_1_to_5(servers, env, logs, args, results, phases)
        if args.only is None or args.only == "schedule":
            _scenario_7(servers, args, results, phases)
        if args.only is None or args.only == "kiosk":
            _scenario_8(servers, args, results, phases)
        if args.only is None or args.only == "staff":
            _scenario_9(servers, args, results, phases)
        if args.only is None or args.only == "shop":
            _scenario_10(servers, args, results, phases)
        if args.only is None or args.only == "vendors":
            _scenario_11(servers, args, results, phases)
        if args.only is None or args.only == "api":
            _scenario_12(servers, args, results, phases)
        if args.only is None or args.only == "rush":
            _scenario_6(servers, args, results, phases)
        if args.only == "migrate":
            _scenario_5(env, logs, args, results, phases)
        if args.only == "scale":
            _scenario_13(env, logs, args, results, phases)
        if args.only == "directory":
            _scenario_13b(args, results, phases)
    except Exception:  # report what was measured before the failure, then fail
        failure = traceback.format_exc()
        log(f"a scenario failed; the table shows what was measured before it:\n{failure}")
    finally:
        for server in servers.values():
            server.stop()
        connections.close_all()
        from tenant.routing import resolver

        resolver.stop()
        if not args.keep_db:
            database_recreate(url, db_name, drop_only=True)
        _redis_forget(env["REDIS_URL"], queue)

    rows = build_rows(results, args)
    elapsed = time.perf_counter() - started
    meta = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} CPUs, "
        f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load_tool": "wrk" if args.wrk else "python asyncio client",
        "gunicorn_workers": args.workers,
        "args": vars(args),
        "elapsed_s": round(elapsed, 1),
        "phases_s": phases.seconds,
        "failure": failure,
        "raw": results,
    }
    text = table(rows)
    print()
    print(text)
    print()
    print("Time per part of the run:")
    print("\n".join(phases.lines()))
    print(f"Total elapsed: {elapsed / 60:.1f} min ({elapsed:.0f} s)")
    print()
    (RESULTS / f"bench-{stamp}.json").write_text(results_document(rows=rows, meta=meta))
    (RESULTS / f"bench-{stamp}.md").write_text(
        f"{meta['date']} — {meta['machine']}\n\n{text}\n\nTotal elapsed: {elapsed / 60:.1f} min\n"
    )
    chart(
        rows, RESULTS / f"bench-{stamp}.png", f"Midsummer bench {meta['date']} ({meta['machine']})"
    )
    for suffix in ("json", "md", "png"):
        shutil.copyfile(RESULTS / f"bench-{stamp}.{suffix}", RESULTS / f"latest.{suffix}")
    log(f"done in {elapsed / 60:.1f} min; results in {RESULTS}/bench-{stamp}.*")
    return 1 if failure else 0


def _redis_forget(url: str, queue: str) -> None:
    """Drop the bench's Celery queue (tasks no worker was meant to run)."""
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"*{queue}*"))
    if keys:
        client.delete(*keys)
