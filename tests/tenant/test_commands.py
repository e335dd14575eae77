import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tenant.models import Tenant


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
            domain_domain="ALPHA.localhost",
            domain_is_primary="True",
            interactive=False,
        )

    assert not Tenant.objects.filter(schema_name="delta").exists()
    assert not _schema_exists("delta")


def test_create_tenant_with_an_invalid_domain_says_why_and_creates_nothing(tenant_a):
    with pytest.raises(CommandError, match="at most 253 characters"):
        call_command(
            "create_tenant",
            schema_name="delta",
            name="Delta",
            domain_domain="d" * 300,  # longer than a host name may be
            domain_is_primary="True",
            interactive=False,
            verbosity=0,
        )

    assert not Tenant.objects.filter(schema_name="delta").exists()
    assert not _schema_exists("delta")
