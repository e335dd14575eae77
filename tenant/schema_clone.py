"""Build a tenant schema by copying a migrated template schema, exactly.

Replaying every migration for each new convention takes seconds; copying the template's
structure from the catalog takes a fraction of that. The copy keeps every constraint and index
*name* (so a later ``RemoveConstraint`` or ``RemoveIndex`` migration works on cloned schemas
too), starts every sequence afresh, and brings along the template's ``django_migrations`` and
``django_content_type`` rows, so the new schema is indistinguishable from a migrated one.

The template is an inactive Tenant (``TEMPLATE_SCHEMA``) without hosts, so ``migrate_schemas``
keeps it current like any other schema.
"""

from __future__ import annotations

from django.db import connection, transaction

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


@transaction.atomic
def schema_clone(*, source: str, target: str) -> None:
    """Create schema ``target`` as an exact structural copy of ``source`` (see module doc)."""
    tables = [
        row[0]
        for row in _fetch(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind = 'r' ORDER BY c.relname",
            [source],
        )
    ]
    # Definitions are read while only `source` is on the search_path: its own tables come out
    # unqualified (so they land in `target` below) and everything else fully qualified.
    _execute(f"SET LOCAL search_path = {_quote(source)}")
    constraints = _fetch(
        "SELECT cl.relname, co.conname, pg_get_constraintdef(co.oid), co.contype "
        "FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid "
        "JOIN pg_namespace n ON n.oid = cl.relnamespace "
        "WHERE n.nspname = %s AND co.contype IN ('p', 'u', 'c', 'f', 'x') "
        "ORDER BY CASE co.contype WHEN 'f' THEN 1 ELSE 0 END, cl.relname, co.conname",
        [source],
    )
    sequences = _fetch(
        "SELECT sequencename, data_type, start_value, min_value, max_value, increment_by, "
        "cycle, cache_size FROM pg_sequences WHERE schemaname = %s ORDER BY sequencename",
        [source],
    )
    indexes = _fetch(
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
        "JOIN pg_class ix ON ix.oid = i.indexrelid "
        "WHERE n.nspname = %s AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN "
        "('p', 'u', 'x')) ORDER BY ix.relname",
        [source],
    )

    _execute(f"CREATE SCHEMA {_quote(target)}")
    _execute(f"SET LOCAL search_path = {_quote(target)}, public")
    for table in tables:
        _execute(
            f"CREATE TABLE {_quote(target)}.{_quote(table)} "
            f"(LIKE {_quote(source)}.{_quote(table)} "
            "INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED INCLUDING STORAGE)"
        )
    for table, name, definition, _kind in constraints:
        _execute(
            f"ALTER TABLE {_quote(target)}.{_quote(table)} "
            f"ADD CONSTRAINT {_quote(name)} {definition}"
        )
    # Identity sequences are created with the column's type; a migrated schema may keep an older
    # one (integer after an AutoField became a BigAutoField). Match the source, starting afresh.
    for name, data_type, start, minimum, maximum, increment, cycle, cache in sequences:
        _execute(
            f"ALTER SEQUENCE {_quote(target)}.{_quote(name)} AS {data_type} "
            f"INCREMENT BY {int(increment)} MINVALUE {int(minimum)} MAXVALUE {int(maximum)} "
            f"START WITH {int(start)} CACHE {int(cache)} {'' if cycle else 'NO '}CYCLE RESTART"
        )
    # pg_get_indexdef always names the table with its schema: point it at the copy.
    [(source_ident, target_ident)] = _fetch(
        "SELECT quote_ident(%s), quote_ident(%s)", [source, target]
    )
    for (definition,) in indexes:
        _execute(definition.replace(f" ON {source_ident}.", f" ON {target_ident}.", 1))
    # Identifiers below are quoted names read from the catalog; values are parameters.
    for table in COPIED_ROWS:
        if table in tables:
            target_table = f"{_quote(target)}.{_quote(table)}"
            source_table = f"{_quote(source)}.{_quote(table)}"
            _execute(f"INSERT INTO {target_table} SELECT * FROM {source_table}")  # noqa: S608
            _execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), max(id)) "  # noqa: S608
                f"FROM {target_table} HAVING count(*) > 0",
                [target_table],
            )
    _execute("SET LOCAL search_path = public")


def schema_is_current(schema: str) -> bool:
    """Whether every migration in the code is applied in ``schema``."""
    from tenant.selectors import schema_migration_states

    return all(app.behind == 0 for app in schema_migration_states(schema=schema))


def _schema_exists(schema: str) -> bool:
    return bool(_fetch("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema]))


def clone_template_into(schema: str) -> bool:
    """Create a new tenant's ``schema`` from the template, bringing the template up to date
    first. Returns False for schemas that are not copied (public, the template itself, or one
    that exists already): the caller migrates those the usual way."""
    from django_tenants.utils import get_public_schema_name

    if schema in (TEMPLATE_SCHEMA, get_public_schema_name()) or _schema_exists(schema):
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
