"""schemathesis against the API's own OpenAPI schema, in process (WSGI), on alpha's host with
a token that holds every scope and is an enrolled device: whatever it sends — valid or not —
never a 5xx, and every documented answer matches its schema. The examples per endpoint are
bounded (``FUZZ_EXAMPLES``) so the suite stays quick."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from kiosk.models import Device
from tests.api.conftest import token_for
from tests.conftest import TENANT_HOSTS

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))


@contextmanager
def requests_in_this_transaction() -> Iterator[None]:
    """The WSGI application's requests stay in the test's transaction: Django's request
    signals would close the test's connection (as the test client prevents for its own)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def device_token(tenant_a):
    token, app = token_for(tenant_a)
    with tenant_context(tenant_a):
        Device.objects.create(name="Fuzzer", application_id=app.pk)
    return token


def test_no_input_makes_the_api_fail_or_break_its_schema(tenant_a, convention, device_token):
    headers = {"Host": TENANT_HOSTS["alpha"], "Authorization": f"Bearer {device_token}"}
    with requests_in_this_transaction():
        schema = schemathesis.openapi.from_wsgi(
            "/api/v1/schema/", get_wsgi_application(), headers=headers
        )
        operations = [result.ok() for result in schema.get_all_operations()]
        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def fuzz(case):
                case.call_and_validate(
                    headers=headers, checks=[not_a_server_error, response_schema_conformance]
                )

            fuzz()

    assert len(operations) >= 7
