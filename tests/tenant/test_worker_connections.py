"""A worker's connection is replaced once it has served many schemas: PostgreSQL keeps the
catalog entries of every schema a connection visits, so one connection sweeping thousands of
conventions would grow without end."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from tests.sample_app.tasks import backend_pid


@pytest.fixture
def worker(committed) -> Iterator[ThreadPoolExecutor]:
    """One thread running tasks one after another on its own connection, like a worker
    process (the test's own connection sits in the fixtures' transaction)."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        yield thread
        thread.submit(lambda: connection.close()).result()


def _served_by(worker: ThreadPoolExecutor, tenant) -> int:
    def run() -> int:
        with tenant_context(tenant):
            return backend_pid.apply().get()

    return worker.submit(run).result()


def test_the_connection_is_replaced_after_serving_the_set_number_of_schemas(
    worker, tenant_a, tenant_b, settings
):
    settings.WORKER_SCHEMAS_PER_CONNECTION = 2

    first = _served_by(worker, tenant_a)
    again_in_a = _served_by(worker, tenant_a)  # one schema so far: kept
    in_b = _served_by(worker, tenant_b)  # the second schema: closed after this task
    after = _served_by(worker, tenant_a)

    assert (again_in_a, in_b) == (first, first)
    assert after != first


def test_the_connection_is_kept_while_it_serves_few_schemas(worker, tenant_a, tenant_b, settings):
    settings.WORKER_SCHEMAS_PER_CONNECTION = 200

    pids = {_served_by(worker, tenant) for tenant in (tenant_a, tenant_b, tenant_a, tenant_b)}

    assert len(pids) == 1
