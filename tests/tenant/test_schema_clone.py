"""A schema copied from the template is indistinguishable from one built by migrations."""

import pytest
from django.core.management import call_command
from django.db import connection

from tenant.schema_clone import TEMPLATE_SCHEMA, schema_clone


def _rows(sql: str, schema: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, [schema] if params is None else params)
        # Names of the schema itself differ by design; everything else must match.
        return sorted(
            tuple(str(v).replace(f"{schema}.", "S.") if v is not None else None for v in row)
            for row in cursor.fetchall()
        )


def _snapshot(schema: str) -> dict[str, list[tuple]]:
    quoted = connection.ops.quote_name(schema)
    with connection.cursor() as cursor:
        cursor.execute("SET search_path = public")
    return {
        "columns": _rows(
            # Column order, not attnum: a migrated table keeps invisible slots of dropped columns.
            "SELECT table_name, column_name,"
            " row_number() OVER (PARTITION BY table_name ORDER BY ordinal_position),"
            " data_type, character_maximum_length,"
            " numeric_precision, numeric_scale, is_nullable, column_default, is_identity,"
            " identity_generation FROM information_schema.columns WHERE table_schema = %s",
            schema,
        ),
        "constraints": _rows(
            "SELECT cl.relname, co.conname, co.contype, pg_get_constraintdef(co.oid),"
            " co.condeferrable, co.condeferred FROM pg_constraint co"
            " JOIN pg_class cl ON cl.oid = co.conrelid"
            " JOIN pg_namespace n ON n.oid = cl.relnamespace WHERE n.nspname = %s",
            schema,
        ),
        "indexes": _rows(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %s", schema
        ),
        "sequences": _rows(
            "SELECT sequencename, data_type, start_value, min_value, max_value, increment_by,"
            " cycle, cache_size, last_value"
            " FROM pg_sequences WHERE schemaname = %s",
            schema,
        ),
        # `quoted` is the schema name quoted as an identifier.
        "migrations": _rows(f"SELECT app, name FROM {quoted}.django_migrations", schema, []),  # noqa: S608
        "content_types": _rows(
            f"SELECT app_label, model FROM {quoted}.django_content_type",  # noqa: S608
            schema,
            [],
        ),
    }


def test_cloned_schema_is_identical_to_a_migrated_one(tenant_a):
    call_command("migrate_schemas", schema_name=TEMPLATE_SCHEMA, interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA replayed")
    call_command("migrate_schemas", schema_name="replayed", interactive=False, verbosity=0)
    schema_clone(source=TEMPLATE_SCHEMA, target="cloned")

    cloned, replayed = _snapshot("cloned"), _snapshot("replayed")

    for aspect in replayed:
        assert cloned[aspect] == replayed[aspect], aspect
    assert len(cloned["constraints"]) > 20 and len(cloned["indexes"]) > 20
    assert ("register", "0002_stripe") in cloned["migrations"]


def test_clone_keeps_constraint_names_so_later_migrations_can_drop_them(tenant_a):
    schema_clone(source=TEMPLATE_SCHEMA, target="cloned")

    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX cloned.event_one_active_event")  # a partial unique index
        cursor.execute(
            "ALTER TABLE cloned.register_registration DROP CONSTRAINT register_badge_number_unique"
        )
        cursor.execute("SELECT count(*) FROM cloned.django_migrations")
        applied = cursor.fetchone()[0]

    assert applied > 10


def test_a_clone_follows_the_template_when_the_template_is_migrated(tenant_a):
    """The clone script is cached per template state: migrating the template (here back by
    one migration that drops a table, then forward again) must give clones of the new state, not
    the cached one. (Columns alone would not show it: ``CREATE TABLE ... LIKE`` reads them live.)"""
    call_command("migrate_schemas", schema_name=TEMPLATE_SCHEMA, interactive=False, verbosity=0)
    schema_clone(source=TEMPLATE_SCHEMA, target="cloned_head")  # fills the cache
    at_head = _snapshot(TEMPLATE_SCHEMA)
    try:
        call_command(
            "migrate_schemas",
            "register",
            "0001",
            schema_name=TEMPLATE_SCHEMA,
            interactive=False,
            verbosity=0,
        )
        schema_clone(source=TEMPLATE_SCHEMA, target="cloned_back")
        back = _snapshot(TEMPLATE_SCHEMA)
        assert (
            back["columns"] != at_head["columns"]
        )  # the premise: the template's structure did change
        assert _snapshot("cloned_back") == back
    finally:
        call_command("migrate_schemas", schema_name=TEMPLATE_SCHEMA, interactive=False, verbosity=0)
    schema_clone(source=TEMPLATE_SCHEMA, target="cloned_again")

    again = _snapshot(TEMPLATE_SCHEMA)
    assert _snapshot("cloned_again") == again
    for aspect in ("columns", "constraints", "indexes", "migrations"):  # sequences moved on
        assert again[aspect] == at_head[aspect], aspect
    assert _snapshot("cloned_head") == at_head


def test_copying_a_schema_that_does_not_exist_is_a_clear_error(tenant_a):
    with pytest.raises(ValueError, match="no schema 'nowhere' to copy"):
        schema_clone(source="nowhere", target="cloned")
