"""Apply the same migrations to many schemas, working Django's migration state out once.

Django's ``migrate`` spends most of a schema's time in Python, not in the schema: it renders its
in-memory model state (a class for every model of every app) before the migrations for the
``pre_migrate`` signal, again inside each operation that touches a model many others point at
(nearly everything points at ``event.Event``), and twice more afterwards for ``post_migrate``.
None of that depends on the schema, only on the code and on which migrations the schema has
applied, and nearly every tenant has applied the same ones. So a process works the states out
once per distinct set of applied migrations (a ``Replay``) and, for each schema, only runs the
operations against the states it kept: the same ``database_forwards`` calls, in the same
transactions, recorded and signalled as ``migrate`` would.

Only a forward run is replayed, to the leaves or to a named migration or app
(``replay_options_allow``); anything else — ``--fake``, ``--plan``, ``--prune``, a backward
step, a plan too long to be worth keeping — goes through Django's own ``migrate``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
from django.db import transaction
from django.db.migrations.exceptions import AmbiguityError
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.migration import Migration
from django.db.migrations.operations import RunPython
from django.db.migrations.operations.base import Operation
from django.db.migrations.recorder import MigrationRecorder
from django.db.migrations.state import ModelState, ProjectState, StateApps

# Longer plans (a schema built from nothing, say) run through `migrate`: keeping a state per
# operation would cost more memory than the renders it saves.
REPLAY_MAX_OPERATIONS = 60
# Replays kept per process (one per applied set and target); a rollout needs one or two.
REPLAYS_KEPT = 4

# The `migrate` options that, set to anything but their default, need Django's own command.
_ONLY_DJANGO = ("fake", "fake_initial", "plan", "prune", "check_unapplied", "run_syncdb")


@dataclass(frozen=True)
class Step:
    """One operation with the states before and after it, as ``Migration.apply`` hands them."""

    operation: Operation
    from_state: ProjectState
    to_state: ProjectState


@dataclass(frozen=True)
class Replay:
    plan: list[tuple[Migration, bool]]
    steps: list[tuple[Migration, list[Step]]]
    pre_migrate_apps: StateApps
    post_migrate_apps: StateApps
    # Squashed migrations whose replaced ones are all applied once the plan has run: recorded
    # as such, as Django's executor does after every run.
    replacements_completed: list[tuple[str, str]]


# Keyed by the applied migrations and the target (``app_label``, ``migration_name``).
_replays: dict[tuple[frozenset[tuple[str, str]], str | None, str | None], Replay | None] = {}


def replay_options_allow(options: dict[str, Any]) -> bool:
    """Whether ``migrate`` with these options may be a plain forward run (to the leaves, or to
    the migration or app it names; whether it is forward is known per schema)."""
    return not any(options.get(key) for key in _ONLY_DJANGO)


def replays_forget() -> None:
    """Start afresh: a new run may have different migrations in code."""
    _replays.clear()


def replay_for(
    connection, *, app_label: str | None = None, migration_name: str | None = None
) -> Replay | None:
    """The replay for the schema ``connection`` is set to, towards what ``migrate app_label
    migration_name`` aims at (the leaves without them), built on first use for its set of
    applied migrations; ``None`` when ``migrate`` itself has to run there."""
    applied = _applied_migrations(connection)
    key = (applied, app_label, migration_name)
    if key not in _replays:
        if len(_replays) >= REPLAYS_KEPT:
            del _replays[next(iter(_replays))]
        _replays[key] = _replay_build(connection, applied, app_label, migration_name)
    return _replays[key]


def _applied_migrations(connection) -> frozenset[tuple[str, str]]:
    """The schema's applied migrations, as keys (the recorder's table exists: the runner made
    sure of it). Plain rows: the recorder's model instances would cost more than the query."""
    table = MigrationRecorder.Migration._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT app, name FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return frozenset(cursor.fetchall())


def _targets(executor, app_label: str | None, migration_name: str | None) -> list | None:
    """What ``migrate`` aims at, worked out as Django's ``migrate`` does; ``None`` where it
    would refuse (an app without migrations, no such migration, an ambiguous prefix): it is
    left to say why."""
    loader = executor.loader
    if app_label is None:
        return loader.graph.leaf_nodes()
    if app_label not in loader.migrated_apps:
        return None
    if migration_name is None:
        return [key for key in loader.graph.leaf_nodes() if key[0] == app_label]
    if migration_name == "zero":
        return [(app_label, None)]
    try:
        migration = loader.get_migration_by_prefix(app_label, migration_name)
    except (AmbiguityError, KeyError):
        return None
    target = (app_label, migration.name)
    if target not in loader.graph.nodes and target in loader.replacements:
        target = loader.replacements[target].replaces[-1]
    return [target]


def _replay_build(
    connection,
    applied: frozenset[tuple[str, str]],
    app_label: str | None,
    migration_name: str | None,
) -> Replay | None:
    """What ``migrate`` works out before and during a run, for this schema's applied set."""
    executor = MigrationExecutor(connection)
    executor.loader.check_consistent_history(connection)
    targets = _targets(executor, app_label, migration_name)
    if targets is None or executor.loader.detect_conflicts():
        return None  # `migrate` says what is wrong
    plan = executor.migration_plan(targets)
    operations = sum(len(migration.operations) for migration, _ in plan)
    if not plan or any(backwards for _, backwards in plan) or operations > REPLAY_MAX_OPERATIONS:
        return None
    # As Django's `migrate` starts: the state of exactly the migrations applied.
    state = executor._create_project_state(with_applied_migrations=True)  # type: ignore[attr-defined]
    pre_migrate_apps = state.apps
    steps: list[tuple[Migration, list[Step]]] = []
    for migration, _ in plan:
        migration_steps = []
        for operation in migration.operations:
            before = state.clone()
            if isinstance(operation, RunPython):
                _render_settled(before)
            operation.state_forwards(migration.app_label, state)
            migration_steps.append(Step(operation, before, state.clone()))
        steps.append((migration, migration_steps))
    applied_after = applied | {key for migration, _ in plan for key in _recorded_keys(migration)}
    return Replay(
        plan=plan,
        steps=steps,
        pre_migrate_apps=pre_migrate_apps,
        post_migrate_apps=_post_migrate_apps(state),
        replacements_completed=[
            key
            for key, migration in executor.loader.replacements.items()
            if key not in applied_after
            and all(replaced in applied_after for replaced in migration.replaces)
        ],
    )


def _render_settled(state: ProjectState) -> None:
    """Render ``state`` fully now. ``RunPython`` drops a state's delayed rendering and renders it
    again each time it runs; once fully rendered there is nothing delayed left to drop."""
    state.clear_delayed_apps_cache()
    state.apps  # noqa: B018 — renders
    state.is_delayed = False


def _post_migrate_apps(state: ProjectState) -> StateApps:
    """The registry ``migrate`` hands ``post_migrate``: the final state rendered afresh, with the
    apps without migrations rendered from their real models (as in Django's ``migrate``)."""
    from django.apps import apps as real_apps

    state = state.clone()
    state.clear_delayed_apps_cache()
    post_apps = state.apps
    with post_apps.bulk_update():
        model_keys = []
        for model_state in post_apps.real_models:
            model_key = model_state.app_label, model_state.name_lower
            model_keys.append(model_key)
            post_apps.unregister_model(*model_key)
    post_apps.render_multiple(
        [ModelState.from_model(real_apps.get_model(*model)) for model in model_keys]
    )
    return post_apps


def replay_apply(replay: Replay, connection, *, verbosity: int, stdout) -> None:
    """Apply ``replay`` in the schema ``connection`` is set to, as ``migrate`` would: each
    migration in its own transaction, recorded in it, the signals sent around the run."""
    emit_pre_migrate_signal(
        verbosity,
        False,
        connection.alias,
        stdout=stdout,
        apps=replay.pre_migrate_apps,
        plan=replay.plan,
    )
    recorder = _SchemaRecorder(connection)
    if verbosity:
        stdout.write("Running migrations:\n")
    for migration, steps in replay.steps:
        if verbosity:
            stdout.write(f"  Applying {migration.app_label}.{migration.name}...")
        recorded = False
        with connection.schema_editor(atomic=migration.atomic) as editor:
            for step in steps:
                _apply_step(migration, step, editor)
            if not editor.deferred_sql:
                _record(recorder, migration)
                recorded = True
        if not recorded:  # the deferred statements ran as the editor closed
            _record(recorder, migration)
        if verbosity:
            stdout.write(" OK\n")
    for key in replay.replacements_completed:
        recorder.record_applied(*key)
    emit_post_migrate_signal(
        verbosity,
        False,
        connection.alias,
        stdout=stdout,
        apps=replay.post_migrate_apps,
        plan=replay.plan,
    )


def _apply_step(migration: Migration, step: Step, editor) -> None:
    operation = step.operation
    atomic_operation = operation.atomic or (migration.atomic and operation.atomic is not False)
    if not editor.atomic_migration and atomic_operation:
        with transaction.atomic(editor.connection.alias):
            operation.database_forwards(migration.app_label, editor, step.from_state, step.to_state)
    else:
        operation.database_forwards(migration.app_label, editor, step.from_state, step.to_state)


class _SchemaRecorder(MigrationRecorder):
    """The recorder of a schema whose table the runner has made sure of. Django's recorder
    checks before its first write by listing every table on the search path, which tests every
    relation of every schema for visibility: a cost per schema that grows with the schemas."""

    def has_table(self) -> bool:
        return True


def _recorded_keys(migration: Migration) -> list[tuple[str, str]]:
    """What applying ``migration`` records: the ones it replaces, if it is a squash."""
    return list(migration.replaces) or [(migration.app_label, migration.name)]


def _record(recorder: MigrationRecorder, migration: Migration) -> None:
    for app_label, name in _recorded_keys(migration):
        recorder.record_applied(app_label, name)
