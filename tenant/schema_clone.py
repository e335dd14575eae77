"""Build a tenant schema by copying a migrated template schema, exactly.

Replaying every migration for each new convention takes seconds; copying the template's
structure from the catalog takes a fraction of that. The copy keeps every constraint and index
*name* (so a later ``RemoveConstraint`` or ``RemoveIndex`` migration works on cloned schemas
too), starts every sequence afresh, and brings along the template's ``django_migrations`` and
``django_content_type`` rows (their sequences where the template's are), so the new schema is
indistinguishable from a migrated one.

The template is an inactive Tenant (``TEMPLATE_SCHEMA``) without hosts, so ``migrate_schemas``
keeps it current like any other schema.

The catalog is read once per source state, not once per copy: the DDL is kept per process,
keyed by the source's namespace OID and its ``django_migrations`` (count and highest id), so a
copy costs the same with ten tenants or thousands. The source's structure must change only
through migrations (as ``migrate_schemas`` does); hand-made DDL in the template is not seen
until its next migration.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction

from tenant.selectors import existing_schemas

TEMPLATE_SCHEMA = "midsummer_template"
# Tables whose rows describe the schema itself, copied along with the structure.
COPIED_ROWS = ["django_migrations", "django_content_type"]


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _fetch(sql: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


def _execute(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


@dataclass(frozen=True)
class CloneScript:
    """The DDL that copies one source schema's structure, with the target left open: each
    statement is a tuple of fragments, joined by the target's quoted name when rendered."""

    statements: tuple[tuple[str, ...], ...]
    copied_rows: tuple[str, ...]  # the COPIED_ROWS tables the source has

    def render(self, target: str) -> str:
        quoted = _quote(target)
        return ";\n".join(quoted.join(parts) for parts in self.statements)


# (database name, source schema) -> (fingerprint of the source's state, its script). A process
# builds a source's script once per state; building it reads the catalog, rendering does not.
_scripts: dict[tuple[str, str], tuple[tuple, CloneScript]] = {}


def source_fingerprint(source: str) -> tuple | None:
    """What identifies the structure of ``source``: its namespace OID and its applied
    migrations (count and highest id: applying or unapplying one changes them). None when the
    schema has no ``django_migrations`` (then nothing is cached)."""
    rows = _fetch(
        "SELECT oid, to_regclass(quote_ident(nspname) || '.django_migrations') IS NOT NULL "
        "FROM pg_namespace WHERE nspname = %s",
        [source],
    )
    if not rows or not rows[0][1]:
        return None
    # `source` is quoted as an identifier; it names a schema that exists (checked above).
    [(count, highest)] = _fetch(
        f"SELECT count(*), max(id) FROM {_quote(source)}.django_migrations"  # noqa: S608
    )
    return (rows[0][0], count, highest)


def clone_script(source: str) -> CloneScript:
    """The script for ``source`` at its current state, from the process cache when the
    source's fingerprint has not changed since it was built."""
    key = (str(connection.settings_dict["NAME"]), source)
    fingerprint = source_fingerprint(source)
    cached = _scripts.get(key)
    if fingerprint is not None and cached is not None and cached[0] == fingerprint:
        return cached[1]
    script = build_clone_script(source)
    if fingerprint is not None:
        _scripts[key] = (fingerprint, script)
    return script


def build_clone_script(source: str) -> CloneScript:
    """Read ``source``'s tables, sequences, constraints and indexes from the catalog.

    Every lookup is by OID through a catalog index (the namespace once, then ``conrelid`` and
    ``indrelid``), except the one pass over ``pg_class`` for the schema's relations, so the
    cost hardly grows with the number of other schemas in the database."""
    found = _fetch("SELECT oid FROM pg_namespace WHERE nspname = %s", [source])
    if not found:
        raise ValueError(f"There is no schema {source!r} to copy.")
    [(namespace,)] = found
    relations = _fetch(
        "SELECT oid, relname, relkind FROM pg_class WHERE relnamespace = %s "
        "AND relkind IN ('r', 'S') ORDER BY relname",
        [namespace],
    )
    tables = {oid: name for oid, name, kind in relations if kind == "r"}
    sequences = [oid for oid, _name, kind in relations if kind == "S"]
    table_oids = list(tables)
    # Definitions are read while only `source` is on the search_path: its own tables come out
    # unqualified (so they land in the target) and everything else fully qualified.
    _execute(f"SET LOCAL search_path = {_quote(source)}")
    constraints = _fetch(
        "SELECT co.conrelid, co.conname, pg_get_constraintdef(co.oid), co.contype, co.conindid "
        "FROM pg_constraint co WHERE co.conrelid = ANY(%s) "
        "AND co.contype IN ('p', 'u', 'c', 'f', 'x')",
        [table_oids],
    )
    constraints.sort(key=lambda c: (c[3] == "f", tables[c[0]], c[1]))
    # Indexes that back a primary key, unique or exclusion constraint come with the constraint.
    backing = {conindid for _r, _n, _d, kind, conindid in constraints if kind in ("p", "u", "x")}
    indexes = _fetch(
        "SELECT i.indexrelid, ix.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class ix ON ix.oid = i.indexrelid WHERE i.indrelid = ANY(%s) ORDER BY ix.relname",
        [table_oids],
    )
    sequence_rows = _fetch(
        "SELECT c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqmin, s.seqmax, "
        "s.seqincrement, s.seqcycle, s.seqcache FROM pg_sequence s "
        "JOIN pg_class c ON c.oid = s.seqrelid WHERE s.seqrelid = ANY(%s) ORDER BY c.relname",
        [sequences],
    )
    [(source_ident,)] = _fetch("SELECT quote_ident(%s)", [source])
    _execute("SET LOCAL search_path = public")

    src = _quote(source)
    statements: list[tuple[str, ...]] = [
        ("CREATE SCHEMA ", ""),
        ("SET LOCAL search_path = ", ", public"),
    ]
    for table in tables.values():
        statements.append(
            (
                "CREATE TABLE ",
                f".{_quote(table)} (LIKE {src}.{_quote(table)} INCLUDING DEFAULTS INCLUDING "
                "IDENTITY INCLUDING GENERATED INCLUDING STORAGE)",
            )
        )
    for relid, name, definition, _kind, _index in constraints:
        statements.append(
            ("ALTER TABLE ", f".{_quote(tables[relid])} ADD CONSTRAINT {_quote(name)} {definition}")
        )
    # Identity sequences are created with the column's type; a migrated schema may keep an older
    # one (integer after an AutoField became a BigAutoField). Match the source, starting afresh.
    for name, data_type, start, minimum, maximum, increment, cycle, cache in sequence_rows:
        statements.append(
            (
                "ALTER SEQUENCE ",
                f".{_quote(name)} AS {data_type} INCREMENT BY {int(increment)} "
                f"MINVALUE {int(minimum)} MAXVALUE {int(maximum)} START WITH {int(start)} "
                f"CACHE {int(cache)} {'' if cycle else 'NO '}CYCLE RESTART",
            )
        )
    # pg_get_indexdef always names the table with its schema: the target goes there.
    marker = f" ON {source_ident}."
    for oid, _name, definition in indexes:
        if oid not in backing:
            head, found, tail = definition.partition(marker)
            if not found:
                raise RuntimeError(f"unexpected index definition: {definition}")
            statements.append((head + " ON ", "." + tail))
    statements.append(("SET LOCAL search_path = public",))
    return CloneScript(
        statements=tuple(statements),
        copied_rows=tuple(t for t in COPIED_ROWS if t in tables.values()),
    )


@transaction.atomic
def schema_clone(*, source: str, target: str) -> None:
    """Create schema ``target`` as an exact structural copy of ``source`` (see module doc)."""
    script = clone_script(source)
    with connection.cursor() as cursor:
        cursor.execute(script.render(target))  # no parameters: one round trip, `%` kept as is
    # Identifiers below are quoted names read from the catalog; values are parameters.
    for table in script.copied_rows:
        target_table = f"{_quote(target)}.{_quote(table)}"
        source_table = f"{_quote(source)}.{_quote(table)}"
        _execute(f"INSERT INTO {target_table} SELECT * FROM {source_table}")  # noqa: S608
        # The copied rows' ids continue where the source's do: its sequence's own state (ids
        # of rows deleted since, e.g. an unapplied migration's, are not handed out again).
        [(source_sequence,)] = _fetch("SELECT pg_get_serial_sequence(%s, 'id')", [source_table])
        [(last_value, is_called)] = _fetch(
            f"SELECT last_value, is_called FROM {source_sequence}"  # noqa: S608
        )
        _execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, %s)",
            [target_table, last_value, is_called],
        )


def schema_is_current(schema: str) -> bool:
    """Whether every migration in the code is applied in ``schema``."""
    from tenant.selectors import schema_migration_states

    return all(app.behind == 0 for app in schema_migration_states(schema=schema))


def clone_template_into(schema: str) -> bool:
    """Create a new tenant's ``schema`` from the template, bringing the template up to date
    first. Returns False for schemas that are not copied (public, the template itself, or one
    that exists already): the caller migrates those the usual way."""
    from django_tenants.utils import get_public_schema_name

    if schema in (TEMPLATE_SCHEMA, get_public_schema_name()) or existing_schemas(schemas=[schema]):
        return False
    template_ensure()
    schema_clone(source=TEMPLATE_SCHEMA, target=schema)
    connection.set_schema_to_public()  # type: ignore[attr-defined]
    return True


def template_ensure() -> None:
    """Make sure the template exists and is migrated (the first time, by migrating it)."""
    from django.core.management import call_command

    from tenant.models import Tenant

    if not Tenant.objects.filter(schema_name=TEMPLATE_SCHEMA).exists():
        template = Tenant(
            schema_name=TEMPLATE_SCHEMA,
            name="Template for new conventions",
            state=Tenant.State.DEACTIVATED,
        )
        template.save(verbosity=0)
    elif not schema_is_current(TEMPLATE_SCHEMA):
        call_command("migrate_schemas", schema_name=TEMPLATE_SCHEMA, interactive=False, verbosity=0)
