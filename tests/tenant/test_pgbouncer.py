"""Through a real PgBouncer in ``pool_mode = transaction`` (issue #22).

Two conventions' requests, reads and writes, interleaved over four gunicorn workers that share
two server connections: a transaction may get another server connection than the one before,
so a session's ``SET search_path`` would follow the wrong request. Every row a request writes
names the schema the app believed it was in (tests/sample_app/urls.py ``probe``); a page or row
naming the other convention is a crossover.
"""

from __future__ import annotations

import http.client
import itertools
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from django.db import InternalError, connection, connections
from django_tenants.utils import schema_context

from midsummer.postgresql_backend.base import DatabaseWrapper
from tenant.models import Tenant
from tests.pgbouncer import pooled_env, start_pgbouncer
from tests.processes import http_get, start_gunicorn, stop, wait_for
from tests.sample_app.models import Volunteer
from tests.sample_app.urls import PROBE_PHONE

pytestmark = pytest.mark.slow

HOSTS = {"alpha": "alpha.localhost", "beta": "beta.localhost"}
REQUESTS = 400


@pytest.fixture
def pgbouncer(django_db_setup):
    settings = connection.settings_dict
    bouncer = start_pgbouncer(
        host=settings["HOST"] or "localhost",
        port=settings["PORT"] or 5432,
        user=settings["USER"] or "postgres",
        pool_size=2,
    )
    yield bouncer
    bouncer.stop()


@pytest.fixture
def one_server_connection(django_db_setup):
    """A pool of one: every client's transactions share one server connection, so whatever a
    session leaves behind is seen by the next client, deterministically."""
    settings = connection.settings_dict
    bouncer = start_pgbouncer(
        host=settings["HOST"] or "localhost",
        port=settings["PORT"] or 5432,
        user=settings["USER"] or "postgres",
        pool_size=1,
    )
    yield bouncer
    bouncer.stop()


def _pooled_wrapper(bouncer, *, pinned: bool) -> DatabaseWrapper:
    settings = dict(connection.settings_dict)
    settings.update(HOST="127.0.0.1", PORT=bouncer.port, TRANSACTION_POOLING=pinned)
    alias = f"pooled_{bouncer.port}"
    connections[alias] = DatabaseWrapper(settings, alias=alias)  # transaction.atomic finds it
    return connections[alias]


def _other_client_sees(bouncer) -> tuple[str, str]:
    with psycopg.connect(bouncer.url(connection.settings_dict["NAME"]), autocommit=True) as other:
        read_only = other.execute("SHOW transaction_read_only").fetchone()
        search_path = other.execute("SHOW search_path").fetchone()
    assert read_only and search_path
    return read_only[0], search_path[0]


@pytest.mark.parametrize("pinned", [True, False])
def test_archived_read_only_and_search_path_stay_in_their_transaction(
    one_server_connection, committed, pinned
):
    pooled = _pooled_wrapper(one_server_connection, pinned=pinned)
    try:
        pooled.set_schema("alpha")
        pooled.set_read_only(True)  # what a task of an archived convention does
        with pooled.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sample_app_volunteer")  # alpha's table
            with pytest.raises(InternalError, match="read-only transaction"):
                cursor.execute("INSERT INTO sample_app_volunteer (account_id) VALUES (0)")
        seen = _other_client_sees(one_server_connection)
    finally:
        pooled.close()
        del connections[pooled.alias]

    if pinned:
        assert seen == ("off", '"$user", public')
    else:  # the leak the pinning closes: the next client inherits the session's settings
        assert seen == ("on", "alpha, public")


@pytest.fixture
def probe_rows(committed):
    """One committed probe row per convention, each naming its own schema; all removed after."""
    for schema in HOSTS:
        with schema_context(schema):
            Volunteer.objects.create(account_id=0, legal_name=schema, phone=PROBE_PHONE)
    yield
    for schema in HOSTS:
        with schema_context(schema):
            Volunteer.objects.filter(phone=PROBE_PHONE).delete()


def _request(port: int, schema: str, method: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, "/shifts/probe/", headers={"Host": HOSTS[schema]})
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def _hammer(port: int) -> Counter:
    """REQUESTS requests alternating conventions and GET/POST from 8 threads; counts outcomes."""
    plan = list(
        itertools.islice(
            zip(itertools.cycle(HOSTS), itertools.cycle(["GET", "GET", "POST"])), REQUESTS
        )
    )
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda job: (job, _request(port, *job)), plan))
    outcome: Counter = Counter()
    for (schema, method), (status, body) in results:
        if status != 200:
            outcome[f"status {status}"] += 1
        elif body != f"{schema}:{schema}":
            outcome["crossover"] += 1
        else:
            outcome["ok"] += 1
        outcome[f"sent {method} {schema}"] += 1
    return outcome


def _rows_by_schema() -> dict[str, Counter]:
    rows = {}
    for schema in HOSTS:
        with schema_context(schema):
            names = Volunteer.objects.filter(phone=PROBE_PHONE).values_list("legal_name", flat=True)
            rows[schema] = Counter(names)
    return rows


def _serve(tmp_path, pgbouncer, *, pinned: bool):
    env = pooled_env(pgbouncer, connection.settings_dict["NAME"], pinned=pinned)
    return start_gunicorn(tmp_path / "gunicorn.log", workers=4, DATABASE_CONN_MAX_AGE="60", **env)


def test_interleaved_conventions_through_pgbouncer_never_cross_over(
    pgbouncer, probe_rows, tmp_path
):
    process, port = _serve(tmp_path, pgbouncer, pinned=True)
    try:
        outcome = _hammer(port)
    finally:
        stop(process)

    rows = _rows_by_schema()
    posts = {schema: outcome[f"sent POST {schema}"] for schema in HOSTS}
    assert outcome["ok"] == REQUESTS, (outcome, (tmp_path / "gunicorn.log").read_text()[-3000:])
    # Every write landed in its own convention's schema, none in the other's.
    assert rows == {schema: Counter({schema: posts[schema] + 1}) for schema in HOSTS}


def test_without_pinning_the_session_search_path_crosses_over(pgbouncer, probe_rows, tmp_path):
    """The failure the test above guards against, reproduced: the stock per-session SET."""
    process, port = _serve(tmp_path, pgbouncer, pinned=False)
    try:
        outcome = _hammer(port)
    finally:
        stop(process)

    rows = _rows_by_schema()
    misplaced = sum(
        n for schema, names in rows.items() for name, n in names.items() if name != schema
    )
    # Measured here: ~380 of 400 pages and ~60 of 135 rows in the other convention.
    assert outcome["crossover"] > 0, outcome
    assert misplaced > 0, rows


def test_route_change_through_pgbouncer_reaches_the_server_within_a_second(
    pgbouncer, committed, tmp_path
):
    process, port = _serve(tmp_path, pgbouncer, pinned=True)
    try:
        wait_for(
            lambda: all(http_get(port, HOSTS["alpha"])[0] == 200 for _ in range(8)),
            timeout=20,
            what="alpha's route to be cached",
        )
        # The change itself goes through the pooler too; the trigger notifies on commit.
        with psycopg.connect(pgbouncer.url(connection.settings_dict["NAME"])) as pooled:
            pooled.execute(
                "UPDATE tenant_tenant SET state = 'deactivated' WHERE schema_name = 'alpha'"
            )
        changed = time.monotonic()
        wait_for(
            lambda: all(http_get(port, HOSTS["alpha"])[0] == 404 for _ in range(8)),
            timeout=1,
            interval=0.02,
            what="every worker to drop alpha's route",
        )
        elapsed = time.monotonic() - changed
    finally:
        Tenant.objects.filter(schema_name="alpha").update(state="active")
        stop(process)

    assert elapsed < 1
    assert "got packet" not in pgbouncer.log


def test_statements_refused_inside_a_transaction_still_run_when_pinning(
    one_server_connection, committed
):
    pooled = _pooled_wrapper(one_server_connection, pinned=True)
    try:
        pooled.set_schema("alpha")
        with pooled.cursor() as cursor:
            cursor.execute("VACUUM alpha.sample_app_volunteer")  # not wrapped in a transaction
            cursor.execute("SELECT count(*) FROM sample_app_volunteer")  # wrapped and pinned
            counted = cursor.fetchone()
    finally:
        pooled.close()
        del connections[pooled.alias]

    assert counted is not None
