"""Migrate many tenant schemas: skip those with nothing to apply, run the rest in parallel.

``migrate_schemas`` (tenant/management/commands/migrate_schemas.py) is a thin wrapper around
this module:

1. **What needs work** is decided for every schema at once from a constant number of catalog
   queries (``pending_migrations``): each schema's own ``django_migrations`` rows are read in
   one ``UNION ALL`` and Django's own planner (``MigrationExecutor.migration_plan``) is asked,
   without a database, what ``migrate`` would do there. By default the targets are the leaf
   migrations of the tenant apps. ``public.django_migrations`` is never read for a tenant.
2. **The rest run in parallel** in a bounded pool of forked worker processes, each with its own
   database connection, one schema at a time. A plain forward run works Django's migration
   state out once per distinct set of applied migrations and replays the operations in each
   schema (``tenant.migration_replay``); anything else runs Django's ``migrate`` there. A
   schema whose migration fails is recorded and the others carry on; every failure is
   reported at the end.
   Running again resumes: the schemas done already are now at head and are skipped.
3. **Staged rollouts**: only some schemas (``--schemas``), or a canary stage of N schemas that
   must all succeed before the others are touched.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from io import StringIO
from typing import Any

from django.db import connection, connections

from tenant.migration_replay import (
    replay_apply,
    replay_for,
    replay_options_allow,
    replays_forget,
)
from tenant.schema_clone import TEMPLATE_SCHEMA
from tenant.selectors import (
    applied_migrations,
    existing_schemas,
    tenant_migrations_in_code,
    with_squashed,
)

MigrationKey = tuple[str, str]

# Options of Django's `migrate` that are handed to it for each schema (the rest are ours).
MIGRATE_OPTIONS = (
    "app_label",
    "migration_name",
    "database",
    "verbosity",
    "fake",
    "fake_initial",
    "plan",
    "prune",
    "run_syncdb",
    "check_unapplied",
    "no_color",
    "force_color",
)


def default_workers() -> int:
    """Worker processes when none are asked for: at most 4, at most one per CPU."""
    return max(1, min(4, os.cpu_count() or 1))


@dataclass(frozen=True)
class SchemaOutcome:
    schema: str
    ok: bool
    seconds: float
    error: str = ""
    output: str = ""


@dataclass
class RunReport:
    """What a run did: schemas migrated, skipped (nothing to apply), failed, and not run
    because a canary failed."""

    migrated: list[SchemaOutcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[SchemaOutcome] = field(default_factory=list)
    not_run: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed and not self.not_run


def _targets(executor, *, app_label: str | None, migration_name: str | None) -> list:
    """What ``migrate`` would aim at, as Django's ``migrate`` works it out, except that with no
    app label the targets are the leaves of the *tenant* apps (shared apps have no tables in a
    tenant schema)."""
    from django.db.migrations.exceptions import AmbiguityError

    from tenant.selectors import _tenant_app_labels

    graph = executor.loader.graph
    if app_label and migration_name:
        if migration_name == "zero":
            return [(app_label, None)]
        try:
            migration = executor.loader.get_migration_by_prefix(app_label, migration_name)
        except (AmbiguityError, KeyError) as error:
            raise ValueError(
                f"No single migration matches {migration_name!r} in app {app_label!r}."
            ) from error
        return [(app_label, migration.name)]
    if app_label:
        return [key for key in graph.leaf_nodes() if key[0] == app_label]
    labels = _tenant_app_labels()
    return [key for key in graph.leaf_nodes() if key[0] in labels]


def pending_migrations(
    *, schemas: list[str], app_label: str | None = None, migration_name: str | None = None
) -> dict[str, list[str]]:
    """For each schema, the migrations ``migrate`` would run there (``app.name``, with a leading
    ``-`` when unapplied); an empty list means nothing to do. A constant number of queries
    however many schemas (see ``selectors.applied_migrations``). Raises ``ValueError`` for an
    unknown app or migration."""
    from django.apps import apps
    from django.db.migrations.executor import MigrationExecutor

    if app_label is not None:
        try:
            apps.get_app_config(app_label)
        except LookupError as error:
            raise ValueError(f"No installed app with label {app_label!r}.") from error
    executor = MigrationExecutor(None)  # the graph from the code only
    targets = _targets(executor, app_label=app_label, migration_name=migration_name)
    _nodes, replacements = tenant_migrations_in_code()
    pending: dict[str, list[str]] = {}
    for schema, applied in applied_migrations(schemas=schemas).items():
        counted = with_squashed(applied or set(), replacements)
        executor.loader.applied_migrations = dict.fromkeys(counted)  # type: ignore[assignment]
        plan = executor.migration_plan(targets)
        pending[schema] = [
            f"{'-' if backwards else ''}{migration.app_label}.{migration.name}"
            for migration, backwards in plan
        ]
    return pending


def migrate_schema(schema: str, options: dict[str, Any]) -> SchemaOutcome:
    """Run Django's ``migrate`` in one schema on this process's connection; never raises."""
    from django.db.migrations.recorder import MigrationRecorder
    from django_tenants.signals import schema_migrated, schema_pre_migration
    from django_tenants.utils import get_tenant_base_migrate_command_class

    started = time.monotonic()
    out, err = StringIO(), StringIO()
    try:
        schema_pre_migration.send(migrate_schema, schema_name=schema)
        # The table must exist in the schema itself, or `migrate` would find public's.
        connection.set_schema(schema, include_public=False)  # type: ignore[attr-defined]
        if not _recorder_table_exists(schema):
            MigrationRecorder(connection).ensure_schema()
        connection.set_schema(schema)  # type: ignore[attr-defined]
        replay = (
            replay_for(
                connection,
                app_label=options.get("app_label"),
                migration_name=options.get("migration_name"),
            )
            if replay_options_allow(options)
            else None
        )
        if replay is not None:
            replay_apply(replay, connection, verbosity=options.get("verbosity", 1), stdout=out)
        else:
            command = get_tenant_base_migrate_command_class()(stdout=out, stderr=err)
            command.execute(**options)
        schema_migrated.send(migrate_schema, schema_name=schema)
        outcome = SchemaOutcome(schema, True, time.monotonic() - started, output=out.getvalue())
    except (Exception, SystemExit) as error:  # SystemExit: `migrate --check`
        detail = str(error).strip().splitlines()
        outcome = SchemaOutcome(
            schema,
            False,
            time.monotonic() - started,
            error=f"{type(error).__name__}: {detail[0] if detail else ''}".rstrip(": "),
            output=out.getvalue() + err.getvalue() + traceback.format_exc(),
        )
        if not connection.in_atomic_block:
            connection.close()  # the next schema starts on a clean connection
    finally:
        connection.set_schema_to_public()  # type: ignore[attr-defined]
    return outcome


def _recorder_table_exists(schema: str) -> bool:
    """Whether ``schema`` has its own ``django_migrations``: one lookup by name. The recorder's
    own check lists every table visible on the search path, which makes the database test every
    relation of every schema for visibility — a cost per schema that grows with the number of
    schemas (0.1–0.3 s a query at 500 tenants)."""
    from django.db.migrations.recorder import MigrationRecorder

    table = MigrationRecorder.Migration._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_regclass(%s) IS NOT NULL",
            [f"{connection.ops.quote_name(schema)}.{connection.ops.quote_name(table)}"],
        )
        return bool(cursor.fetchone()[0])


def _run_batch(
    schemas: list[str],
    options: dict[str, Any],
    workers: int,
    on_done: Callable[[SchemaOutcome], None],
) -> list[SchemaOutcome]:
    """Migrate ``schemas`` with up to ``workers`` processes; outcomes in completion order."""
    outcomes: list[SchemaOutcome] = []

    def done(outcome: SchemaOutcome) -> None:
        outcomes.append(outcome)
        on_done(outcome)

    if workers <= 1 or len(schemas) <= 1 or connection.in_atomic_block:
        for schema in schemas:
            done(migrate_schema(schema, options))
        return outcomes
    # Forked workers inherit the loaded apps and settings; none may share this process's
    # connection, so it is closed first and each worker opens its own.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(workers, len(schemas)), mp_context=context) as pool:
        futures = {pool.submit(migrate_schema, schema, options): schema for schema in schemas}
        for future in as_completed(futures):
            try:
                done(future.result())
            except Exception as error:  # a worker died (killed, out of memory)
                done(SchemaOutcome(futures[future], False, 0.0, f"worker lost: {error!r}"))
    return outcomes


def migrate_schemas_parallel(
    *,
    schemas: list[str],
    options: dict[str, Any],
    workers: int,
    canary: int = 0,
    skip_at_head: bool = True,
    progress: Progress | None = None,
) -> RunReport:
    """Migrate ``schemas`` (see module doc). ``options`` are Django ``migrate``'s; a canary
    stage of ``canary`` schemas must all succeed before the others start. The template schema,
    if it has work, is migrated first (with the canaries, without counting as one: it holds
    no data)."""
    started = time.monotonic()
    report = RunReport()
    migrate_options = {key: options[key] for key in MIGRATE_OPTIONS if key in options}
    migrate_options |= {"interactive": False, "skip_checks": True}
    present = existing_schemas(schemas=schemas) if schemas else set()
    for missing in [s for s in schemas if s not in present]:
        report.failed.append(SchemaOutcome(missing, False, 0.0, "the schema does not exist"))
    schemas = [s for s in schemas if s in present]
    if skip_at_head:
        pending = pending_migrations(
            schemas=schemas,
            app_label=options.get("app_label"),
            migration_name=options.get("migration_name"),
        )
        todo = [s for s in schemas if pending[s]]
        report.skipped = [s for s in schemas if not pending[s]]
    else:
        todo = list(schemas)
    replays_forget()  # before the workers fork: they inherit what this process keeps
    progress = progress or Progress()
    progress.start(total=len(todo), skipped=len(report.skipped))

    def record(outcome: SchemaOutcome) -> None:
        (report.migrated if outcome.ok else report.failed).append(outcome)
        progress.advance(outcome)

    # The template goes first: a tenant created during the run is copied from a current one.
    todo.sort(key=lambda schema: schema != TEMPLATE_SCHEMA)
    stages = [todo]
    if canary > 0:
        first = [s for s in todo if s == TEMPLATE_SCHEMA] + [
            s for s in todo if s != TEMPLATE_SCHEMA
        ][:canary]
        stages = [first, [s for s in todo if s not in first]]
    for number, stage in enumerate(stages):
        failures_before = len(report.failed)
        _run_batch(stage, migrate_options, workers, record)
        if number < len(stages) - 1 and len(report.failed) > failures_before:
            report.not_run = [s for later in stages[number + 1 :] for s in later]
            break
    progress.finish()
    report.seconds = time.monotonic() - started
    return report


class Progress:
    """A progress bar on a terminal, one plain line per schema otherwise."""

    WIDTH = 30

    def __init__(
        self,
        *,
        write: Callable[[str], None] | None = None,
        tty: bool = False,
        done_word: str = "migrated",
    ) -> None:
        self.write = write or (lambda text: None)
        self.tty = tty
        self.done_word = done_word
        self.total = 0
        self.done = 0
        self.failed = 0

    def start(self, *, total: int, skipped: int) -> None:
        self.total = total
        self.write(f"{skipped} schema(s) at head, skipped; {total} to migrate\n")
        if self.tty and total:
            self._bar()

    def advance(self, outcome: SchemaOutcome) -> None:
        self.done += 1
        self.failed += not outcome.ok
        if self.tty:
            if not outcome.ok:
                self.write(f"\r\033[K{outcome.schema}: FAILED {outcome.error}\n")
            self._bar()
        else:
            state = self.done_word if outcome.ok else f"FAILED {outcome.error}"
            self.write(
                f"[{self.done}/{self.total}] {outcome.schema}: {state} ({outcome.seconds:.1f} s)\n"
            )

    def _bar(self) -> None:
        filled = self.WIDTH * self.done // self.total if self.total else self.WIDTH
        self.write(
            f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {self.done}/{self.total}"
            f"  failed {self.failed}"
        )

    def finish(self) -> None:
        if self.tty and self.total:
            self.write("\n")


def summary_lines(report: RunReport, *, done_word: str = "migrated") -> Iterable[str]:
    yield (
        f"{done_word.capitalize()} {len(report.migrated)}, skipped at head {len(report.skipped)}, "
        f"failed {len(report.failed)}"
        + (f", not run {len(report.not_run)}" if report.not_run else "")
        + f" in {report.seconds:.1f} s."
    )
    for outcome in report.failed:
        yield f"  FAILED {outcome.schema}: {outcome.error}"
    if report.not_run:
        yield f"  Not run (a canary failed): {', '.join(report.not_run)}"
