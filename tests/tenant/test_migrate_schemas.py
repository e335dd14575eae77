"""migrate_schemas at scale: skip at head, parallel, failures reported, resume, staged rollout;
and a schema left behind is reported and answered "being updated", not served wrong."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import AddConstraint, AddField, CreateModel, DeleteModel
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from tenant.migrations_runner import pending_migrations
from tenant.models import Tenant
from tenant.routing import resolver
from tenant.services import tenant_create
from tests.factories.tenant import PASSWORD, MembershipFactory
from tests.processes import ROOT, child_env, http_get, wait_for
from tests.tenant.conftest import scratch_host as _host


@dataclass(frozen=True)
class Obstacle:
    """Something in a schema that makes register's newest migration fail there: a table it
    creates, or a column it adds, already present; a table it deletes already gone."""

    block: str  # SQL, with {schema}
    clear: str
    error: str  # how migrate_schemas reports the failure

    def put(self, schema: str) -> None:
        _execute(self.block.format(schema=schema))

    def remove(self, schema: str) -> None:
        _execute(self.clear.format(schema=schema))


def _latest_register_migration() -> tuple[str, str, Obstacle]:
    """register's newest migration, the one before it, and what can be put in its way: the
    tests unapply, delete or block that migration, whatever it is today."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    (leaf,) = loader.graph.leaf_nodes("register")
    (previous,) = [p for p in loader.graph.node_map[leaf].parents if p.key[0] == "register"]
    for op in loader.get_migration(*leaf).operations:
        if isinstance(op, CreateModel):
            table = f"register_{op.name.lower()}"
            obstacle = Obstacle(
                f"CREATE TABLE {{schema}}.{table} (id integer)",
                f"DROP TABLE {{schema}}.{table}",
                f'relation "{table}" already exists',
            )
            return leaf[1], previous.key[1], obstacle
        if isinstance(op, AddField):
            table = f"register_{op.model_name.lower()}"
            column = f"{op.name}_id" if op.field.is_relation else op.name
            obstacle = Obstacle(
                f"ALTER TABLE {{schema}}.{table} ADD COLUMN {column} integer",
                f"ALTER TABLE {{schema}}.{table} DROP COLUMN {column}",
                f'column "{column}" of relation "{table}" already exists',
            )
            return leaf[1], previous.key[1], obstacle
        if isinstance(op, AddConstraint):
            table = f"register_{op.model_name.lower()}"
            name = op.constraint.name
            obstacle = Obstacle(
                f"ALTER TABLE {{schema}}.{table} ADD CONSTRAINT {name} CHECK (true)",
                f"ALTER TABLE {{schema}}.{table} DROP CONSTRAINT {name}",
                f'constraint "{name}" for relation "{table}" already exists',
            )
            return leaf[1], previous.key[1], obstacle
        if isinstance(op, DeleteModel):
            table = f"register_{op.name.lower()}"
            obstacle = Obstacle(
                f"ALTER TABLE {{schema}}.{table} RENAME TO {table}_away",
                f"ALTER TABLE {{schema}}.{table}_away RENAME TO {table}",
                f'relation "{table}" does not exist',
            )
            return leaf[1], previous.key[1], obstacle
    raise LookupError(f"{leaf} creates, deletes no table, adds no column: teach Obstacle how")


LATEST, PREVIOUS, OBSTACLE = _latest_register_migration()
LATEST_KEY = f"register.{LATEST}"


def _migrate(*args, **options) -> str:
    out = StringIO()
    call_command("migrate_schemas", *args, stdout=out, **options)
    return out.getvalue()


def _unapply_latest(schemas: list[str]) -> None:
    _migrate("register", PREVIOUS, schemas=",".join(schemas), workers=2)


def _execute(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _pending(schemas: list[str]) -> dict[str, list[str]]:
    return pending_migrations(schemas=schemas)


def test_at_head_detection_costs_the_same_queries_for_two_or_many_schemas(tenant_a, tenant_b):
    many = ["alpha", "beta"] + [f"many_{n}" for n in range(6)]
    for schema in many[2:]:  # rolled back with the test
        tenant_create(schema_name=schema, name=schema, domain=_host(schema))
    _execute("DELETE FROM many_3.django_migrations WHERE app = 'register' AND name = %s", [LATEST])

    with CaptureQueriesContext(connection) as for_two:
        two = pending_migrations(schemas=["alpha", "beta"])
    with CaptureQueriesContext(connection) as for_many:
        everything = pending_migrations(schemas=many)

    assert len(for_two) == len(for_many) == 2
    assert two == {"alpha": [], "beta": []}
    assert everything == {schema: [LATEST_KEY] if schema == "many_3" else [] for schema in many}
    assert not any("public.django_migrations" in q["sql"] for q in for_many.captured_queries)


def test_a_failing_schema_does_not_stop_the_others_and_a_rerun_resumes(scratch):
    _unapply_latest(scratch)
    # mig_two cannot take the migration: what it creates is in the way.
    OBSTACLE.put("mig_two")

    failed_run = subprocess.run(
        [sys.executable, "manage.py", "migrate_schemas", "--tenant", "--workers", "2"],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    lines = failed_run.stdout.splitlines()
    assert failed_run.returncode == 1, failed_run.stdout + failed_run.stderr
    assert any(" mig_one: migrated (" in line for line in lines)
    assert any(" mig_three: migrated (" in line for line in lines)
    assert any(f"mig_two: FAILED ProgrammingError: {OBSTACLE.error}" in line for line in lines)
    assert "Migrated 2, skipped at head 3, failed 1 in" in failed_run.stdout
    assert "1 schema(s) failed to migrate" in failed_run.stderr
    assert _pending(scratch) == {"mig_one": [], "mig_three": [], "mig_two": [LATEST_KEY]}

    OBSTACLE.remove("mig_two")
    resumed = _migrate(tenant=True)

    assert "Migrated 1, skipped at head 5, failed 0 in" in resumed
    assert "[1/1] mig_two: migrated" in resumed
    assert _pending(scratch) == {"mig_one": [], "mig_three": [], "mig_two": []}


def test_staged_rollout_by_schemas_then_a_canary_that_stops_the_rest(scratch):
    _unapply_latest(scratch)

    only_one = _migrate(schemas="mig_one")

    assert "Migrated 1, skipped at head 0, failed 0" in only_one
    assert _pending(scratch) == {"mig_one": [], "mig_three": [LATEST_KEY], "mig_two": [LATEST_KEY]}

    OBSTACLE.put("mig_three")
    with pytest.raises(CommandError, match="1 schema.s. failed to migrate and 1 were not run"):
        _migrate(tenant=True, canary=1)

    assert _pending(scratch) == {"mig_one": [], "mig_three": [LATEST_KEY], "mig_two": [LATEST_KEY]}

    OBSTACLE.remove("mig_three")
    rollout = _migrate(tenant=True, canary=1)

    assert "Migrated 2, skipped at head 4, failed 0" in rollout
    assert _pending(scratch) == {"mig_one": [], "mig_three": [], "mig_two": []}


def test_the_template_is_migrated_first_and_is_not_a_canary(scratch):
    _unapply_latest(["midsummer_template", "mig_two"])

    rollout = _migrate(tenant=True, canary=1, workers=1)

    assert "[1/2] midsummer_template: migrated" in rollout
    assert "[2/2] mig_two: migrated" in rollout
    assert _pending(["midsummer_template", "mig_two"]) == {"midsummer_template": [], "mig_two": []}


def test_a_tenant_without_its_schema_is_reported_not_a_crash(tenant_a):
    Tenant.objects.bulk_create([Tenant(schema_name="ghost", name="Ghost")])  # no schema made
    out = StringIO()

    with pytest.raises(CommandError, match="1 schema.s. failed to migrate"):
        call_command("migrate_schemas", schemas="alpha,ghost", stdout=out)

    assert "  FAILED ghost: the schema does not exist" in out.getvalue()
    assert "Migrated 0, skipped at head 1, failed 1" in out.getvalue()


def test_unknown_schemas_or_apps_are_refused_with_a_clear_message(tenant_a):
    with pytest.raises(CommandError, match="No tenant with schema nowhere"):
        _migrate(schemas="alpha,nowhere")
    with pytest.raises(CommandError, match="No installed app with label 'nope'"):
        _migrate("nope", schemas="alpha")
    with pytest.raises(CommandError, match="apply to tenant schemas only"):
        _migrate(shared=True, canary=2)


def test_check_lists_schemas_with_work_and_exits_1(tenant_a, tenant_b):
    _execute("DELETE FROM beta.django_migrations WHERE app = 'register' AND name = %s", [LATEST])

    with pytest.raises(SystemExit) as exit_:
        out = StringIO()
        call_command("migrate_schemas", tenant=True, check_unapplied=True, stdout=out)

    assert exit_.value.code == 1
    assert out.getvalue() == f"beta: {LATEST_KEY}\n"


def test_plan_shows_each_schemas_work_and_changes_nothing(tenant_a, tenant_b):
    _execute("DELETE FROM beta.django_migrations WHERE app = 'register' AND name = %s", [LATEST])

    out = _migrate(tenant=True, plan=True)

    assert "[1/1] beta: planned" in out
    assert f"--- beta\nPlanned operations:\n{LATEST_KEY}\n" in out
    assert "Planned 1, skipped at head 2, failed 0" in out
    assert _pending(["alpha", "beta"]) == {"alpha": [], "beta": [LATEST_KEY]}


def _status(capsys, schema: str) -> dict:
    capsys.readouterr()
    with pytest.raises(SystemExit):
        call_command("tenants_status", "--json")
    return next(s for s in json.loads(capsys.readouterr().out) if s["schema_name"] == schema)


def test_a_schema_left_behind_is_reported_and_answered_being_updated(scratch, capsys):
    client = Client(HTTP_HOST=_host("mig_one"))
    wait_for(lambda: client.get("/") and resolver.is_listening, timeout=5, what="the listener")
    assert client.get("/").status_code == 200  # cached as current

    # A real backwards migration; its post_migrate tells every process to check again.
    _unapply_latest(["mig_one"])

    wait_for(lambda: client.get("/").status_code == 503, timeout=5, what="503 on mig_one")
    page = client.get("/")
    status = _status(capsys, "mig_one")
    register = next(app for app in status["apps"] if app["app_label"] == "register")
    assert b"is being updated" in page.content
    assert page["Retry-After"] == "60"
    assert (status["is_behind"], register["state"]) == (True, "behind by 1")
    assert Client(HTTP_HOST="alpha.localhost").get("/").status_code == 200

    _migrate(schemas="mig_one")

    wait_for(lambda: client.get("/").status_code == 200, timeout=5, what="mig_one served again")


def test_status_text_flags_a_behind_schema(tenant_a, tenant_b, capsys):
    _execute("DELETE FROM beta.django_migrations WHERE app = 'register' AND name = %s", [LATEST])

    with pytest.raises(SystemExit):
        call_command("tenants_status")
    out = capsys.readouterr().out

    lines = out.splitlines()
    start = lines.index("beta (Beta, active) — beta.localhost") + 1
    beta = []
    while start < len(lines) and lines[start].startswith("    "):
        beta.append(lines[start].split())
        start += 1
    applied = str(sum(app == "register" for app, _ in MigrationLoader(None).graph.nodes) - 1)
    assert ["register", applied, "applied", "behind", "by", "1"] in beta
    assert beta[-1][:4] == ["!", "behind", "the", "code:"] or ["!", "behind"] == beta[0][:2]
    assert out.count("! behind the code") == 1


def test_diagnostics_stay_open_and_say_why_while_the_pages_answer_503(tenant_a, client_a):
    developer = MembershipFactory(tenant=tenant_a, is_developer=True).user
    _execute("DELETE FROM alpha.django_migrations WHERE app = 'register' AND name = %s", [LATEST])

    home = client_a.get("/")
    client_a.post("/admin/login/", {"username": developer.email, "password": PASSWORD})
    page = client_a.get("/admin/diagnostics/")

    assert home.status_code == 503
    assert page.status_code == 200
    assert b"This schema is behind the code" in page.content
    assert b"behind by 1" in page.content
    assert Client(HTTP_HOST="beta.localhost").get("/").status_code == 200


@pytest.mark.server
def test_every_server_process_stops_serving_a_behind_schema_and_resumes_after_migrate(
    scratch, gunicorn
):
    port, _ = gunicorn
    host = _host("mig_one")
    assert {http_get(port, host)[0] for _ in range(10)} == {200}

    _unapply_latest(["mig_one"])

    wait_for(
        lambda: {http_get(port, host)[0] for _ in range(10)} == {503},
        timeout=5,
        what="every worker to answer 503",
    )
    assert {http_get(port, "alpha.localhost")[0] for _ in range(10)} == {200}

    with schema_context("public"):
        _migrate(schemas="mig_one")

    wait_for(
        lambda: {http_get(port, host)[0] for _ in range(10)} == {200},
        timeout=5,
        what="every worker to serve mig_one again",
    )
