"""export_tenant → import_tenant into a second, empty database gives back the same convention."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tenant.models import Domain, Tenant
from tenant.portability import pg_tool, user_columns
from tests.processes import BIN, ROOT, child_env, database_url_for_children
from tests.tenant.populated import drop, populate


@pytest.fixture
def populated(committed):
    yield populate("exa", "exb")
    drop("exa", "exb")


@pytest.fixture
def exported(populated, tmp_path) -> Path:
    path = tmp_path / "exa.tar.gz"
    call_command("export_tenant", "exa", str(path), verbosity=0)
    return path


@pytest.fixture(params=["copy", "pg_dump"])
def exported_by(request, populated, tmp_path) -> Path:
    """An archive of each format: COPY (format 2, the default) and pg_dump (format 1)."""
    path = tmp_path / f"exa-{request.param}.tar.gz"
    call_command("export_tenant", "exa", str(path), "--method", request.param, verbosity=0)
    return path


def _members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path) as archive:
        return {m.name: archive.extractfile(m).read() for m in archive.getmembers() if m.isfile()}


def _dump_sql(dump: bytes, tmp_path: Path) -> str:
    file = tmp_path / "schema.dump"
    file.write_bytes(dump)
    pg_restore, _ = pg_tool("pg_restore", at_least=connection.pg_version // 10000)
    return subprocess.run(  # noqa: S603
        [str(pg_restore), "--file=-", str(file)], capture_output=True, text=True, check=True
    ).stdout


def _schema_text(members: dict[str, bytes], tmp_path: Path) -> str:
    """The schema's rows as text, whichever way the archive holds them."""
    if "schema.dump" in members:
        return _dump_sql(members["schema.dump"], tmp_path)
    return "".join(
        content.decode() for name, content in members.items() if name.startswith("data/")
    )


def test_export_holds_the_tenant_and_nothing_of_another(exported_by, populated, tmp_path):
    members = _members(exported_by)
    manifest = json.loads(members["manifest.json"])
    public = json.loads(members["public.json"])
    text = _schema_text(members, tmp_path)

    rows = sorted(name for name in members if name.startswith("data/"))
    if manifest["method"] == "copy":
        assert manifest["format_version"] == 2
        assert rows == sorted(f"data/{table}.copy" for table in manifest["tables"])
        assert "register_registration" in manifest["tables"]
        assert manifest["tables"]["register_registration"]["rows"] == 2
        assert ["register_order", "id", 2] in manifest["sequences"]
    else:
        assert manifest["format_version"] == 1
        assert rows == []
        assert "schema.dump" in members
    assert {"manifest.json", "media/logos/logo.txt", "public.json"} <= set(members)
    assert members["media/logos/logo.txt"] == b"exa logo"
    assert manifest["schema_name"] == "exa"
    assert ["register", "0001_initial"] in manifest["migrations"]["schema"]
    assert public["tenant"]["schema_name"] == "exa"
    assert [d["domain"] for d in public["domains"]] == ["exa.localhost"]
    assert [c["domain"] for c in public["custom_domains"]] == ["tickets.exa.example"]
    assert sorted(u["email"].split(".")[0] for u in public["users"]) == [
        "buyer",
        "developer",
        "member",
        "shared",
    ]
    assert [a["name"] for a in public["applications"]] == ["A kiosk"]
    assert "Robin Realname" in text
    # Nothing of the other convention: not its schema, rows, accounts, hosts or application.
    everything = text + members["public.json"].decode()
    for trace in ("exb", "Beta Secret Con", "Bea Secret", "only_b", "B kiosk"):
        # As a word: a password hash's random characters may well hold "exb".
        assert not re.search(rf"\b{re.escape(trace)}\b", everything), trace
    assert Tenant.objects.get(schema_name="exa").last_export_at is not None


def _snapshot(dsn: str, schema: str) -> dict:
    """Every table of ``schema`` (user references as emails) and the tenant's public rows."""
    user_cols = user_columns()
    with psycopg.connect(dsn) as conn:
        emails = dict(conn.execute("SELECT id, email FROM public.tenant_user").fetchall())
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1", [schema]
            )
        ]
        data: dict = {}
        for table in tables:
            rows = []
            for (row,) in conn.execute(f'SELECT row_to_json(t) FROM "{schema}"."{table}" t'):  # noqa: S608
                for t, column in user_cols:
                    if t == table and row[column] is not None:
                        row[column] = emails[row[column]]
                rows.append(json.dumps(row, sort_keys=True))
            data[table] = sorted(rows)
        data["sequences"] = conn.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = %s ORDER BY 1",
            [schema],
        ).fetchall()
        (tenant_id,) = conn.execute(
            "SELECT id FROM public.tenant_tenant WHERE schema_name = %s", [schema]
        ).fetchone()
        public_queries = {
            "tenant": "SELECT schema_name, name, state, is_active, is_sandbox, created_at "
            "FROM public.tenant_tenant WHERE id = %s",
            "domains": "SELECT domain, is_primary FROM public.tenant_domain WHERE tenant_id = %s",
            "custom_domains": "SELECT domain, verification_token, verified_at, created_at "
            "FROM public.tenant_customdomain WHERE tenant_id = %s",
            "memberships": "SELECT u.email, u.full_name, u.password, m.roles, "
            "m.is_tenant_superuser, m.is_developer, m.created_at FROM public.tenant_membership m "
            "JOIN public.tenant_user u ON u.id = m.user_id WHERE m.tenant_id = %s",
            "applications": "SELECT a.name, a.client_id, a.client_secret, a.client_type, "
            "a.authorization_grant_type, a.redirect_uris, a.algorithm, u.email "
            "FROM public.tenant_application a LEFT JOIN public.tenant_user u ON u.id = a.user_id "
            "WHERE a.tenant_id = %s",
        }
        for key, sql in public_queries.items():
            data[key] = sorted(conn.execute(sql, [tenant_id]).fetchall(), key=repr)
    return data


@pytest.fixture(scope="module")
def second_deployment(django_db_setup, tmp_path_factory):
    """An empty Midsummer deployment: a second database with the public schema migrated, and
    a media folder of its own. Shared by this module's imports (each test's import is removed
    again by ``second_database``); the template it builds on the first import is kept."""
    source = database_url_for_children()
    name = connection.settings_dict["NAME"] + "_import"
    url = source.rsplit("/", 1)[0] + f"/{name}"
    admin_url = source.rsplit("/", 1)[0] + "/postgres"
    media = tmp_path_factory.mktemp("media2")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = child_env(DATABASE_URL=url, DJANGO_MEDIA_ROOT=str(media))

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    migrated = manage("migrate_schemas", "--shared", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr
    try:
        yield url, manage, media
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def second_database(second_deployment):
    """The second deployment, as empty as it started (no convention, no account) before and
    after the test."""
    url, manage, media = second_deployment
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM tenant_user").fetchone() == (0,)
    yield second_deployment
    _forget_everything(url)
    shutil.rmtree(media / "exa", ignore_errors=True)


def _forget_everything(url: str) -> None:
    """Drop the imported schema and every public row that refers to a tenant or an account
    (found from the catalog's foreign keys), in one transaction: faster than delete_tenant in a
    process of its own, and it misses no table a later app adds."""
    with psycopg.connect(url) as conn:
        conn.execute("DROP SCHEMA IF EXISTS exa CASCADE")
        conn.execute("SET CONSTRAINTS ALL DEFERRED")
        referring = conn.execute(
            "SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text "
            "FROM pg_constraint c "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
            "WHERE c.contype = 'f' AND c.confrelid IN "
            "('public.tenant_tenant'::regclass, 'public.tenant_user'::regclass) "
            "AND c.connamespace = 'public'::regnamespace"
        ).fetchall()
        for table, column, target in referring:
            imported = (
                "(SELECT id FROM tenant_tenant WHERE schema_name = 'exa')"
                if target == "tenant_tenant"
                else "(SELECT id FROM tenant_user)"  # every account here came with an import
            )
            conn.execute(f'DELETE FROM {table} WHERE "{column}" IN {imported}')  # noqa: S608
        conn.execute("DELETE FROM tenant_tenant WHERE schema_name = 'exa'")
        conn.execute("DELETE FROM tenant_user")


def test_export_then_import_into_an_empty_database_gives_the_same_convention(
    exported_by, populated, second_database
):
    url, manage, media = second_database
    shared_email = populated.users["shared"].email
    with psycopg.connect(url, autocommit=True) as conn:  # an account that exists there already
        conn.execute(
            "INSERT INTO tenant_user (email, full_name, password, is_active, is_superuser, "
            "date_joined) VALUES (%s, 'Someone Else', 'x', true, false, now())",
            [shared_email],
        )
        conn.execute(
            "INSERT INTO tenant_user (email, full_name, password, is_active, "
            "is_superuser, date_joined) VALUES ('filler@x.example', '', 'x', true, "
            "false, now())"
        )  # shifts ids: references must follow emails, not ids

    imported = manage("import_tenant", str(exported_by))

    assert imported.returncode == 0, imported.stderr
    assert "3 account(s) created, 1 merged" in imported.stdout
    original = _snapshot(database_url_for_children(), "exa")
    copy = _snapshot(url, "exa")
    merged = [m for m in copy["memberships"] if m[0] == shared_email]
    # The existing account was used as it is, not overwritten.
    assert [(m[1], m[2]) for m in merged] == [("Someone Else", "x")]
    for snapshot in (original, copy):
        snapshot["memberships"] = [m[:1] + m[3:] for m in snapshot["memberships"]]
    assert copy.keys() == original.keys()
    for key in original:
        assert copy[key] == original[key], key
    assert len(original["register_registration"]) == 2
    assert (media / "exa" / "logos" / "logo.txt").read_bytes() == b"exa logo"


def test_an_archive_from_older_code_is_built_at_its_migrations_then_brought_up_to_date(
    populated, second_database, tmp_path
):
    # exa as older code left it: without front's second migration (its columns not there yet).
    call_command("migrate_schemas", "front", "0001", schema_name="exa", verbosity=0)
    try:
        path = tmp_path / "older.tar.gz"
        call_command("export_tenant", "exa", str(path), verbosity=0)
    finally:
        call_command("migrate_schemas", schema_name="exa", verbosity=0)
    manifest = json.loads(_members(path)["manifest.json"])
    assert ["front", "0002_branding_images_and_links"] not in manifest["migrations"]["schema"]
    url, manage, _media = second_database

    imported = manage("import_tenant", str(path))

    assert imported.returncode == 0, imported.stderr
    assert "migrated to this code's head" in imported.stdout
    copy = _snapshot(url, "exa")
    assert len(copy["register_registration"]) == 2
    assert any("Robin Realname" in row for row in copy["register_registration"])
    migrations = {json.loads(row)["name"] for row in copy["django_migrations"]}
    assert "0002_branding_images_and_links" in migrations


def test_an_archive_whose_tables_do_not_match_its_migrations_is_refused_and_leaves_nothing(
    exported, populated, second_database, tmp_path
):
    def renamed(manifest):
        columns = manifest["tables"]["register_registration"]["columns"]
        columns[columns.index("legal_name")] = "name_from_elsewhere"

    tampered = _with_manifest(exported, tmp_path, renamed)
    url, manage, _media = second_database

    imported = manage("import_tenant", str(tampered))

    assert imported.returncode != 0
    assert "do not match the structure built for it (register_registration)" in imported.stderr
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT to_regnamespace('exa')").fetchone() == (None,)
        tenants = conn.execute("SELECT count(*) FROM tenant_tenant WHERE schema_name = 'exa'")
        assert tenants.fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM tenant_user").fetchone() == (0,)


def test_import_refuses_a_taken_schema_and_hosts_and_writes_nothing(exported, populated):
    domains = Domain.objects.count()

    with pytest.raises(CommandError) as error:
        call_command("import_tenant", str(exported), verbosity=0)

    assert "schema 'exa' already exists here" in str(error.value)
    assert "exa.localhost" in str(error.value)
    assert Domain.objects.count() == domains


def _with_manifest(exported, tmp_path, change) -> Path:
    members = _members(exported)
    manifest = json.loads(members["manifest.json"])
    change(manifest)
    members["manifest.json"] = json.dumps(manifest).encode()
    changed = tmp_path / "changed.tar.gz"
    with tarfile.open(changed, "w:gz") as archive:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, fileobj=io.BytesIO(content))
    return changed


def test_import_refuses_an_archive_ahead_of_the_code(exported, populated, tmp_path):
    ahead = _with_manifest(
        exported,
        tmp_path,
        lambda manifest: manifest["migrations"]["schema"].append(
            ["register", "9999_from_the_future"]
        ),
    )

    with pytest.raises(CommandError, match="ahead of this code .*register.9999_from_the_future"):
        call_command("import_tenant", str(ahead), verbosity=0)


def test_import_refuses_a_dump_from_a_newer_postgresql(exported, populated, tmp_path):
    def from_the_future(manifest):
        manifest["versions"]["postgresql_server"] = 990000

    newer = _with_manifest(exported, tmp_path, from_the_future)

    with pytest.raises(CommandError, match="exported from PostgreSQL 99 and this server runs"):
        call_command("import_tenant", str(newer), verbosity=0)


def test_import_of_something_else_says_so(tmp_path, db):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")

    with pytest.raises(CommandError, match="is not a Midsummer tenant archive"):
        call_command("import_tenant", str(junk), verbosity=0)


def test_delete_after_a_fresh_export_needs_no_confirmation(exported, populated):
    call_command("delete_tenant", "exa", verbosity=0)

    assert not Tenant.objects.filter(schema_name="exa").exists()


def test_delete_when_the_export_file_is_gone_is_refused(exported, populated):
    exported.unlink()

    with pytest.raises(CommandError, match="no export from the last 60 minutes"):
        call_command("delete_tenant", "exa", verbosity=0)
