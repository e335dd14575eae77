"""Fixtures of the tenant tests."""

from __future__ import annotations

import pytest
from django.db import connection

from tenant.models import Tenant
from tenant.services import tenant_create

SCRATCH = ["mig_one", "mig_three", "mig_two"]  # also the order migrate_schemas takes them in


def scratch_host(schema: str) -> str:
    return f"{schema.replace('_', '-')}.localhost"


@pytest.fixture
def scratch(committed):
    """Three committed tenants of our own, dropped afterwards."""
    for schema in SCRATCH:
        tenant_create(schema_name=schema, name=schema.title(), domain=scratch_host(schema))
    try:
        yield SCRATCH
    finally:
        connection.set_schema_to_public()
        for tenant in Tenant.objects.filter(schema_name__in=SCRATCH):
            tenant.delete(force_drop=True)
