"""Sandbox copies of a convention, for rehearsals (a registration-opening load test, training
kiosk volunteers): same data in a new schema and host, optionally with personal data scrambled.

The structure is copied exactly by ``schema_clone`` (constraint and index names included), then
every row, then each sequence's position, so new rows continue after the copied ones. The new
tenant is flagged ``is_sandbox``: its mail never reaches real people (tenant/mail.py). Members of
the source are members of the sandbox too (so the team can rehearse); OAuth applications,
sessions and what an app's contract names (webhooks: a rehearsal never calls the real
integrations) are not copied. Media files are copied after the commit.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from midsummer.contract import not_copied_to_sandbox, scrambled_columns
from tenant.models import Domain, Membership, Tenant
from tenant.schema_clone import COPIED_ROWS, schema_clone
from tenant.services import _claim_host, _validate_schema_name

NOT_COPIED = {"django_session"}

# Fake names for scrambled personal data (each app declares its columns in its contract).
FIRST_NAMES = ["Alex", "Sam", "Robin", "Kim", "Jo", "Charlie", "Max", "Riley", "Quinn", "Avery"]
LAST_NAMES = ["Fox", "Wolf", "Otter", "Badger", "Lynx", "Hare", "Raven", "Stoat", "Vole", "Wren"]


def _fetch(sql: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


def audit_history_tables() -> set[str]:
    """The audit trail's tables (django-simple-history): a sandbox starts without history, since
    its rows keep every earlier value of the personal data the copy scrambles."""
    return {model._meta.db_table for model in apps.get_models() if hasattr(model, "instance_type")}


def _copy_rows(source: str, target: str) -> None:
    quote = connection.ops.quote_name
    not_copied = NOT_COPIED | audit_history_tables() | not_copied_to_sandbox()
    tables = _fetch(
        "SELECT c.relname, array_agg(quote_ident(a.attname) ORDER BY a.attnum) "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
        "AND a.attgenerated = '' "
        "WHERE n.nspname = %s AND c.relkind = 'r' GROUP BY c.relname ORDER BY c.relname",
        [source],
    )
    with connection.cursor() as cursor:
        # Foreign keys are deferred to the commit, so the order of the tables does not matter.
        for table, columns in tables:
            if table in not_copied or table in COPIED_ROWS:
                continue
            cols = ", ".join(columns)
            cursor.execute(
                f"INSERT INTO {quote(target)}.{quote(table)} ({cols}) "  # noqa: S608
                f"OVERRIDING SYSTEM VALUE SELECT {cols} FROM {quote(source)}.{quote(table)}"
            )
        for (sequence,) in _fetch(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = %s", [source]
        ):
            cursor.execute(
                f"SELECT last_value, is_called FROM {quote(source)}.{quote(sequence)}"  # noqa: S608
            )
            last_value, is_called = cursor.fetchone()
            cursor.execute(
                "SELECT setval(%s, %s, %s)",
                [f"{quote(target)}.{quote(sequence)}", last_value, is_called],
            )


def _scramble(schema: str) -> None:
    quote = connection.ops.quote_name
    existing = {
        row[0] for row in _fetch("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
    }
    with connection.cursor() as cursor:
        for table, columns in scrambled_columns().items():
            if table not in existing:
                continue
            assignments = []
            for column, expression in columns.items():
                h = f"abs(hashtext(id::text || '{column}')::bigint)"
                first = f"(ARRAY{FIRST_NAMES!r})[1 + {h} % {len(FIRST_NAMES)}]"
                last = f"(ARRAY{LAST_NAMES!r})[1 + ({h} / 7) % {len(LAST_NAMES)}]"
                value = expression.format(h=h, first=first, last=last)
                assignments.append(f"{quote(column)} = {value}")
            cursor.execute(f"UPDATE {quote(schema)}.{quote(table)} SET {', '.join(assignments)}")  # noqa: S608


@transaction.atomic
def tenant_sandbox_create(
    *, source: Tenant, schema_name: str, domain: str, name: str = "", scramble: bool = False
) -> Tenant:
    """Copy ``source`` with its data into a new sandbox tenant ``schema_name`` on ``domain``.

    All or nothing. Side effects: the new host is served at once by running servers; the
    sandbox's mail is diverted (tenant/mail.py). With ``scramble``, names, emails, phone numbers,
    birthdates, contacts and answers in the copy are replaced by fake ones (each tenant app
    declares its personal columns in its contract: ``scrambled_columns``).
    """
    _validate_schema_name(schema_name)
    host = _claim_host(domain)
    if Tenant.objects.filter(schema_name=schema_name).exists():
        raise ValidationError({"schema_name": f"{schema_name} is already a convention."})
    schema_clone(source=source.schema_name, target=schema_name)
    _copy_rows(source.schema_name, schema_name)
    if scramble:
        _scramble(schema_name)
    connection.set_schema_to_public()  # type: ignore[attr-defined]
    sandbox = Tenant(
        schema_name=schema_name,
        name=name or f"{source.name} (sandbox)",
        is_sandbox=True,
        sandbox_of=source.schema_name,
    )
    sandbox.auto_create_schema = False  # copied above
    sandbox.save(verbosity=0)
    Domain.objects.create(tenant=sandbox, domain=host, is_primary=True)
    Membership.objects.bulk_create(
        Membership(
            tenant=sandbox,
            user_id=m.user_id,
            roles=m.roles,
            is_tenant_superuser=m.is_tenant_superuser,
            is_developer=m.is_developer,
        )
        for m in Membership.objects.filter(tenant=source)
    )
    media = Path(settings.MEDIA_ROOT)
    if (media / source.schema_name).is_dir():
        transaction.on_commit(
            lambda: shutil.copytree(media / source.schema_name, media / schema_name)
        )
    sandbox.refresh_from_db(fields=["is_active"])
    return sandbox
