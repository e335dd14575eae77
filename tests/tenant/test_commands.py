import io
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command, load_command_class
from django.db import connection

from tenant.models import Membership, Tenant
from tests.processes import PRODUCTION_ENV, manage


def _schema_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
        return cursor.fetchone() is not None


def test_create_tenant_with_a_taken_host_creates_nothing(tenant_a):
    with pytest.raises(CommandError, match="alpha.localhost is already used"):
        call_command(
            "create_tenant",
            schema_name="delta",
            name="Delta",
            domain="ALPHA.localhost",
        )

    assert not Tenant.objects.filter(schema_name="delta").exists()
    assert not _schema_exists("delta")


def test_create_tenant_with_an_invalid_domain_says_why_and_creates_nothing(tenant_a):
    with pytest.raises(CommandError, match="at most 253 characters"):
        call_command(
            "create_tenant",
            schema_name="delta",
            name="Delta",
            domain="d" * 300,  # longer than a host name may be
            verbosity=0,
        )

    assert not Tenant.objects.filter(schema_name="delta").exists()
    assert not _schema_exists("delta")


def test_create_tenant_says_what_it_made_and_invites_its_first_admin(
    db, django_capture_on_commit_callbacks
):
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "create_tenant",
            schema_name="delta",
            name="Delta Con",
            domain="Delta.Localhost",
            admin_email="Boss@Delta.example",
            stdout=out,
        )

    printed = out.getvalue()
    membership = Membership.objects.get(tenant__schema_name="delta")
    assert "Created Delta Con (schema delta)." in printed
    assert re.search(r"site:  https?://delta\.localhost(:\d+)?/\n", printed)
    assert re.search(r"admin: https?://delta\.localhost(:\d+)?/admin/\n", printed)
    assert "invited boss@delta.example as tenant superuser" in printed
    assert re.search(r"https?://delta\.localhost(:\d+)?/accounts/invitation/\S+", printed)
    assert (membership.user.email, membership.is_tenant_superuser) == ("boss@delta.example", True)
    assert membership.accepted_at is None
    assert mail.outbox[0].to == ["boss@delta.example"]


def test_create_tenant_help_shows_only_what_an_operator_types():
    help_text = io.StringIO()
    parser = load_command_class("tenant", "create_tenant").create_parser(
        "manage.py", "create_tenant"
    )
    parser.print_help(help_text)

    text = help_text.getvalue()
    assert "--schema" in text and "--domain" in text and "--admin-email" in text
    for internal in ("last_export_at", "tenant_id", "schema_names", "is_primary", "noinput"):
        assert internal not in text


def test_a_command_without_its_settings_says_so_in_one_line():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}

    result = manage("tenants_status", env=env)

    assert result.returncode == 2
    assert result.stderr == (
        "manage.py: Set DJANGO_SECRET_KEY (or run in dev mode with MIDSUMMER_DEV=1).\n"
    )
