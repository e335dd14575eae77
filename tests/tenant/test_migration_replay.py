"""migrate_schemas works Django's migration state out once per distinct set of applied
migrations and replays the operations in each schema: the schemas come out exactly as Django's
own ``migrate`` leaves them, data migrations included."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import get_tenant_base_migrate_command_class, schema_context

from event.models import Event
from tenant.migration_replay import replay_for, replays_forget
from tenant.migrations_runner import pending_migrations
from tests.factories.event import EventFactory
from tests.tenant.test_migrate_schemas import LATEST_KEY, OBSTACLE, PREVIOUS, _migrate


def _latest_with_data_migration(app_label: str) -> tuple[str, str]:
    """The newest migration of ``app_label`` that runs Python, and the one before it: undoing
    and redoing it exercises state changes and a data migration."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    (key,) = loader.graph.leaf_nodes(app_label)
    while key is not None:
        migration = loader.get_migration(*key)
        parents = [p.key for p in loader.graph.node_map[key].parents if p.key[0] == app_label]
        if any(isinstance(op, RunPython) for op in migration.operations) and parents:
            return key[1], parents[0][1]
        key = parents[0] if parents else None
    raise LookupError(f"{app_label} has no migration that runs Python after its first")


def _parent(app_label: str, name: str) -> str:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    parents = loader.graph.node_map[(app_label, name)].parents
    (parent,) = [p.key[1] for p in parents if p.key[0] == app_label]
    return parent


WITH_PYTHON, BEFORE_IT = _latest_with_data_migration("event")

# What a schema is made of, schema name left out, for comparing two schemas.
CATALOG = """
SELECT 'column', c.relname || '.' || a.attname,
       format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
       || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = %(schema)s AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT 'constraint', c.relname || '.' || k.conname,
       replace(pg_get_constraintdef(k.oid), %(schema)s || '.', '')
FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %(schema)s
UNION ALL
SELECT 'index', i.tablename || '.' || i.indexname, replace(i.indexdef, %(schema)s || '.', '')
FROM pg_indexes i WHERE i.schemaname = %(schema)s
ORDER BY 1, 2
"""


def _catalog(schema: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(CATALOG, {"schema": schema})
        return cursor.fetchall()


def _applied(schema: str) -> set[tuple[str, str]]:
    with schema_context(schema), connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        return set(cursor.fetchall())


def _content_types(schema: str) -> set[tuple[str, str]]:
    with schema_context(schema), connection.cursor() as cursor:
        cursor.execute("SELECT app_label, model FROM django_content_type")
        return set(cursor.fetchall())


def _django_migrate(schema: str, app_label: str | None = None, name: str | None = None) -> str:
    """Django's own ``migrate`` in ``schema``, as before the replay existed."""
    out = StringIO()
    connection.set_schema(schema)
    try:
        get_tenant_base_migrate_command_class()(stdout=out).execute(
            interactive=False,
            skip_checks=True,
            verbosity=1,
            database="default",
            app_label=app_label,
            migration_name=name,
            fake=False,
            fake_initial=False,
            plan=False,
            prune=False,
            run_syncdb=False,
            check_unapplied=False,
            no_color=True,
            force_color=False,
        )
    finally:
        connection.set_schema_to_public()
    return out.getvalue()


def _replay_of(schema: str, **target):
    connection.set_schema(schema)
    try:
        return replay_for(connection, **target)
    finally:
        connection.set_schema_to_public()


def _past_event(schema: str) -> int:
    """An event that ended before the migration existed: its data migration marks it over."""
    with schema_context(schema):
        return EventFactory(
            slug="long-ago", start_date=dt.date(2020, 5, 1), end_date=dt.date(2020, 5, 3)
        ).pk


def _event_state(schema: str, pk: int) -> str:
    with schema_context(schema):
        return Event.objects.get(pk=pk).state


def test_a_replayed_schema_is_exactly_what_djangos_migrate_makes(scratch):
    replayed, by_django, _third = scratch
    events = {schema: _past_event(schema) for schema in (replayed, by_django)}
    _migrate("event", BEFORE_IT, schemas=f"{replayed},{by_django}", workers=2)
    assert pending_migrations(schemas=[replayed])[replayed]  # something to redo

    # To exactly the migration that runs Python, then on to the leaves: each both ways.
    replays_forget()
    assert _replay_of(replayed, app_label="event", migration_name=WITH_PYTHON) is not None
    assert _replay_of(replayed) is not None  # both runs below are replayed, not left to Django
    replays_forget()
    out = _migrate("event", WITH_PYTHON, schemas=replayed, workers=1, verbosity=2)
    django_out = _django_migrate(by_django, "event", WITH_PYTHON)

    assert f"Applying event.{WITH_PYTHON}... OK" in out
    assert f"Applying event.{WITH_PYTHON}... OK" in django_out
    assert _catalog(replayed) == _catalog(by_django)
    assert _applied(replayed) == _applied(by_django)
    # The data migration ran in both.
    assert _event_state(replayed, events[replayed]) == "over"
    assert _event_state(by_django, events[by_django]) == "over"

    _migrate(schemas=replayed, workers=1)
    _django_migrate(by_django)

    assert _catalog(replayed) == _catalog(by_django)
    assert _applied(replayed) == _applied(by_django)
    assert _content_types(replayed) == _content_types(by_django)
    assert pending_migrations(schemas=[replayed, by_django]) == {replayed: [], by_django: []}


def test_one_replay_per_starting_point_and_a_failure_halfway_loses_nothing(scratch):
    """Schemas that applied the same migrations share one replay; another starting point gets
    its own. Django's transactions are kept: the migration that fails is rolled back whole,
    the ones before it in that schema's plan stay applied, and running again finishes it."""
    first, second, further_behind = scratch
    event = _past_event(further_behind)
    _migrate("event", BEFORE_IT, schemas=",".join(scratch), workers=2)
    _migrate("register", _parent("register", PREVIOUS), schemas=further_behind, workers=1)
    replays_forget()
    try:
        replays = {schema: _replay_of(schema) for schema in scratch}
        targeted = _replay_of(first, app_label="event", migration_name=WITH_PYTHON)
    finally:
        replays_forget()

    assert replays[first] is not None and replays[further_behind] is not None
    assert replays[second] is replays[first]
    assert targeted is not None and targeted is not replays[first]
    assert [(m.app_label, m.name) for m, _ in targeted.plan][-1] == ("event", WITH_PYTHON)
    plans = {
        schema: [f"{m.app_label}.{m.name}" for m, _ in replays[schema].plan]
        for schema in (first, further_behind)
    }
    assert set(plans[first]) < set(plans[further_behind])
    assert f"register.{PREVIOUS}" in set(plans[further_behind]) - set(plans[first])

    OBSTACLE.put(further_behind)
    try:
        with pytest.raises(CommandError):
            _migrate(schemas=",".join(scratch), workers=2)
    finally:
        OBSTACLE.remove(further_behind)

    assert pending_migrations(schemas=scratch) == {
        first: [],
        second: [],
        further_behind: [LATEST_KEY],
    }
    assert _event_state(further_behind, event) == "over"
    _migrate(schemas=further_behind, workers=1)
    assert pending_migrations(schemas=[further_behind])[further_behind] == []


def test_a_schemas_migration_never_lists_every_schemas_tables(scratch):
    """What a schema's migration asks the catalog does not grow with the number of schemas:
    its recorder's table is looked up by name. Django's recorder lists every table on the search
    path instead, which tests every relation of every schema for visibility (twice per schema:
    quadratic over a rollout). Only working a replay out (once per worker and starting point,
    Django's loader) still does."""
    first, second, third = scratch
    _migrate("event", BEFORE_IT, schemas=",".join(scratch), workers=2)

    def listings(schemas: str) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            _migrate(schemas=schemas, workers=1)
        statements = [query["sql"] for query in queries.captured_queries]
        recorded = [s for s in statements if s.startswith('INSERT INTO "django_migrations"')]
        return len(recorded), len([s for s in statements if "pg_table_is_visible" in s])

    one_recorded, one_listed = listings(first)
    two_recorded, two_listed = listings(f"{second},{third}")

    assert two_recorded == 2 * one_recorded > 0  # the same work, in twice the schemas
    assert two_listed == one_listed  # ... and not one more listing of every table
    assert pending_migrations(schemas=scratch) == {first: [], second: [], third: []}
