import json

import pytest
from django.core.management import call_command
from django.db import connection


def _status(capsys) -> tuple[int, list[dict]]:
    code = 0
    try:
        call_command("tenants_status", "--json")
    except SystemExit as exit_:
        code = exit_.code
    return code, json.loads(capsys.readouterr().out)


def _app(statuses, schema, app):
    tenant = next(s for s in statuses if s["schema_name"] == schema)
    return next(a for a in tenant["apps"] if a["app_label"] == app)


def test_every_schema_is_at_head_after_migrations(tenant_a, tenant_b, capsys):
    code, statuses = _status(capsys)

    assert code == 0
    assert sorted(s["schema_name"] for s in statuses) == [
        "alpha",
        "beta",
        "midsummer_template",
        "public",
    ]
    assert all(s["is_current"] for s in statuses)
    assert _app(statuses, "alpha", "register")["state"] == "at head"
    assert next(s for s in statuses if s["schema_name"] == "beta")["hosts"] == ["beta.localhost"]


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (
            "DELETE FROM beta.django_migrations WHERE app = 'register' AND name = '0002_stripe'",
            "behind by 1",
        ),
        (
            "INSERT INTO beta.django_migrations (app, name, applied) "
            "VALUES ('register', '0099_from_a_branch', now())",
            "drift",
        ),
    ],
)
def test_a_schema_behind_or_drifted_is_reported_and_fails(
    tenant_a, tenant_b, capsys, sql, expected
):
    with connection.cursor() as cursor:
        cursor.execute(sql)

    code, statuses = _status(capsys)

    assert code == 1
    assert _app(statuses, "beta", "register")["state"] == expected
    assert _app(statuses, "alpha", "register")["state"] == "at head"
