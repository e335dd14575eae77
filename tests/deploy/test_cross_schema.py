"""Every dependency between a tenant's schema and anything outside it, listed: the blockers of
sharding tenant schemas across PostgreSQL nodes (docs/SCALING.md). A new one fails here until
it is added to the lists below *and* to docs/SCALING.md's inventory, with what it means for the
plan.

Three kinds, each found in the real thing rather than declared:

- foreign keys, read from ``pg_constraint`` of a real tenant schema (and the template schema it
  is cloned from): a constraint from a tenant table to a table in another schema;
- ORM relations from a tenant app's model to a shared (public-only) model, constrained or not:
  each one is a cross-schema join (``select_related``) and a dangling id when the rows move;
- SQL in the code that leaves the schema of the connection: schema-qualified statements built
  from a schema name, ``public.`` tables named outright, ``LISTEN``/``NOTIFY``, the PostgreSQL
  catalog (which lists every schema), snapshots shared between connections. (Switching
  ``search_path``, how every query reaches its schema, is no dependency: Citus routes by it.)
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django_tenants.utils import app_labels

from tests.processes import ROOT

DOC = ROOT / "docs" / "SCALING.md"

# (tenant table, column, referenced schema, referenced table)
KNOWN_FOREIGN_KEYS = {
    ("django_admin_log", "user_id", "public", "tenant_user"),
    ("register_order", "account_id", "public", "tenant_user"),
}

# (tenant model, field, shared model)
KNOWN_RELATIONS = {
    ("register.HistoricalOrder", "account", "tenant.User"),
    ("register.HistoricalRegistration", "holder", "tenant.User"),
    ("register.HistoricalTransfer", "accepted_by", "tenant.User"),
    ("register.HistoricalTransfer", "offered_by", "tenant.User"),
    ("register.Order", "account", "tenant.User"),
    ("register.OrderStatusChange", "changed_by", "tenant.User"),
    ("register.Registration", "holder", "tenant.User"),
    ("register.Transfer", "accepted_by", "tenant.User"),
    ("register.Transfer", "offered_by", "tenant.User"),
    ("register.WaitlistEntry", "account", "tenant.User"),
}

# (file, function, kind)
KNOWN_SQL = {
    ("tenant/migrations/0002_route_change_notifications.py", "<module>", "listen-notify"),
    ("tenant/portability.py", "_applied", "schema-qualified"),
    ("tenant/portability.py", "_copy_in", "schema-qualified"),
    ("tenant/portability.py", "_copy_out", "schema-qualified"),
    ("tenant/portability.py", "_dump", "snapshot"),
    ("tenant/portability.py", "_existing_tables", "catalog"),
    ("tenant/portability.py", "_remap_users", "schema-qualified"),
    ("tenant/portability.py", "_sequence_values", "catalog"),
    ("tenant/portability.py", "_table_columns", "catalog"),
    ("tenant/portability.py", "users_referenced_in_schema", "schema-qualified"),
    ("tenant/routing.py", "HostResolver._listen_forever", "listen-notify"),
    ("tenant/routing.py", "notify_schema_migrated", "listen-notify"),
    ("tenant/routing.py", "routes_sync", "catalog"),
    ("tenant/routing.py", "routes_sync", "listen-notify"),
    ("tenant/sandbox.py", "_copy_rows", "catalog"),
    ("tenant/sandbox.py", "_copy_rows", "schema-qualified"),
    ("tenant/sandbox.py", "_scramble", "catalog"),
    ("tenant/sandbox.py", "_scramble", "schema-qualified"),
    ("tenant/schema_clone.py", "build_clone_script", "catalog"),
    ("tenant/schema_clone.py", "source_fingerprint", "catalog"),
    ("tenant/schema_clone.py", "source_fingerprint", "schema-qualified"),
    ("tenant/selectors.py", "applied_migrations", "schema-qualified"),
    ("tenant/selectors.py", "existing_schemas", "catalog"),
    ("tenant/selectors.py", "schemas_with_migrations_table", "catalog"),
    ("tenant/selectors.py", "tenants_schema_status", "catalog"),
}

SQL_KINDS = {
    "schema-qualified": None,  # an f-string: "{…schema…}.{…table…}" in a statement
    "public-named": re.compile(r'(\bpublic|"public")\.["a-z_]', re.IGNORECASE),
    "listen-notify": re.compile(r"\b(LISTEN|NOTIFY|pg_notify)\b"),
    "catalog": re.compile(r"\bpg_(namespace|class|tables|constraint|stat_activity)\b"),
    "snapshot": re.compile(r"\bpg_export_snapshot\b|SET TRANSACTION SNAPSHOT"),
}
# Statements of their own; the other kinds count inside a query.
STANDALONE = {"listen-notify", "snapshot"}
STATEMENT = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|TRUNCATE|CREATE|DROP|ALTER|COPY)\b")
NOT_PRODUCT = {"tests", "bench", "docs", "locale", "deploy", "build"}


def product_files() -> list[Path]:
    """Every Python file of the product's packages (as pyproject's package list finds them),
    migrations included: their RunSQL is SQL too."""
    packages = [
        path.parent
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in NOT_PRODUCT and not path.parent.name.startswith(".")
    ]
    return sorted(file for package in packages for file in package.rglob("*.py"))


class _Scanner(ast.NodeVisitor):
    def __init__(self, relpath: str) -> None:
        self.relpath = relpath
        self.scope: list[str] = []
        self.found: set[tuple[str, str, str]] = set()
        self.docstrings: set[int] = set()

    def _enter(self, node: ast.AST, name: str) -> None:
        body = getattr(node, "body", [])
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            self.docstrings.add(id(body[0].value))
        self.scope.append(name)
        self.generic_visit(node)
        self.scope.pop()

    def visit_Module(self, node: ast.Module) -> None:
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            self.docstrings.add(id(body[0].value))
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._enter(node, node.name)

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._enter(node, node.name)

    def _where(self) -> str:
        return ".".join(self.scope) or "<module>"

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        for previous, part in zip(node.values, node.values[1:], strict=False):
            if (
                isinstance(previous, ast.FormattedValue)
                and isinstance(part, ast.Constant)
                and str(part.value).startswith(".")
                and STATEMENT.search(text)
            ):
                self.found.add((self.relpath, self._where(), "schema-qualified"))
        self._check(text)
        # The f-string's constant parts are not visited again one by one.

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and id(node) not in self.docstrings:
            self._check(node.value)

    def _check(self, text: str) -> None:
        for kind, pattern in SQL_KINDS.items():
            if pattern is None or not pattern.search(text):
                continue
            if kind in STANDALONE or STATEMENT.search(text):
                self.found.add((self.relpath, self._where(), kind))


def cross_schema_sql() -> set[tuple[str, str, str]]:
    found: set[tuple[str, str, str]] = set()
    for file in product_files():
        scanner = _Scanner(str(file.relative_to(ROOT)))
        scanner.visit(ast.parse(file.read_text(), str(file)))
        found |= scanner.found
    return found


def _difference(found: set, known: set, what: str) -> str:
    new, gone = sorted(found - known), sorted(known - found)
    return (
        f"{what} changed. New: {new}. Gone: {gone}. Update the list in this test and the "
        "inventory in docs/SCALING.md (what the dependency means for sharding)."
    )


def _tenant_schemas() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('public', 'information_schema')"
            " AND nspname NOT LIKE 'pg\\_%%' ORDER BY 1"
        )
        return [row[0] for row in cursor.fetchall()]


def foreign_keys_leaving(schema: str) -> set[tuple[str, str, str, str]]:
    """Foreign keys of ``schema``'s tables to a table in another schema, from the catalog."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT source.relname, attribute.attname, target_ns.nspname, target.relname
            FROM pg_constraint con
            JOIN pg_class source ON source.oid = con.conrelid
            JOIN pg_namespace source_ns ON source_ns.oid = source.relnamespace
            JOIN pg_class target ON target.oid = con.confrelid
            JOIN pg_namespace target_ns ON target_ns.oid = target.relnamespace
            JOIN pg_attribute attribute
              ON attribute.attrelid = con.conrelid AND attribute.attnum = ANY (con.conkey)
            WHERE con.contype = 'f' AND source_ns.nspname = %s
              AND target_ns.nspname <> source_ns.nspname
            """,
            [schema],
        )
        return set(cursor.fetchall())


def test_foreign_keys_from_tenant_schemas_to_public_are_the_known_ones(tenant_a, tenant_b):
    schemas = _tenant_schemas()
    assert {"alpha", "beta", "midsummer_template"} <= set(schemas)

    for schema in schemas:
        found = foreign_keys_leaving(schema)
        assert found == KNOWN_FOREIGN_KEYS, _difference(
            found, KNOWN_FOREIGN_KEYS, f"Foreign keys leaving {schema}"
        )


def test_no_foreign_key_leaves_public(db):
    assert foreign_keys_leaving("public") == set()


def test_orm_relations_from_tenant_models_to_shared_models_are_the_known_ones():
    shared = set(app_labels(settings.SHARED_APPS))
    tenant_only = set(app_labels(settings.TENANT_APPS)) - shared
    found = {
        (model._meta.label, field.name, field.related_model._meta.label)
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in tenant_only and not model.__module__.startswith("tests.")
        for field in model._meta.get_fields()
        if field.is_relation
        and field.concrete
        and field.related_model is not None
        and field.related_model._meta.app_label in shared - tenant_only
        and field.related_model._meta.app_label not in app_labels(settings.TENANT_APPS)
    }

    assert found == KNOWN_RELATIONS, _difference(found, KNOWN_RELATIONS, "Tenant→shared relations")


def test_sql_leaving_the_connections_schema_is_the_known_sql():
    found = cross_schema_sql()

    assert found == KNOWN_SQL, _difference(found, KNOWN_SQL, "Cross-schema SQL")


def test_the_plan_names_every_listed_dependency():
    plan = DOC.read_text()
    names = (
        {f"`{table}.{column}`" for table, column, _, _ in KNOWN_FOREIGN_KEYS}
        | {f"`{model}.{field}`" for model, field, _ in KNOWN_RELATIONS}
        | {f"`{path}` `{function}`" for path, function, _ in KNOWN_SQL}
    )

    missing = sorted(name for name in names if name not in plan)
    assert missing == [], f"docs/SCALING.md does not name: {missing}"


def test_the_scanner_finds_cross_schema_sql_and_ignores_prose():
    source = '''
"""Module docstring: LISTEN to SELECT from pg_namespace, public.tenant_user."""
def reads_every_schema(schema, quote):
    """Docstring: NOTIFY."""
    sql = f"SELECT id FROM {quote(schema)}.register_order"
    other = "SELECT 1 FROM public.tenant_user"
    notify = "SELECT pg_notify(%s, %s)"
    catalog = "SELECT nspname FROM pg_namespace"
    harmless = f"SELECT {column} FROM register_order"
    prose = "Look at public.example for details."
'''
    scanner = _Scanner("x.py")
    scanner.visit(ast.parse(source))

    assert scanner.found == {
        ("x.py", "reads_every_schema", "schema-qualified"),
        ("x.py", "reads_every_schema", "public-named"),
        ("x.py", "reads_every_schema", "listen-notify"),
        ("x.py", "reads_every_schema", "catalog"),
    }
