"""Two "nodes" — two gunicorn processes and two Celery workers — sharing one database through
one PgBouncer in transaction mode (issue #22): what one node changes, the other serves."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from celery.backends.redis import RedisBackend
from celery.result import AsyncResult, allow_join_result
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_context, tenant_context

from midsummer.celery import app as celery_app
from tenant.models import Domain, Tenant
from tests.pgbouncer import pooled_env, start_pgbouncer
from tests.processes import http_get, start_celery_worker, start_gunicorn, stop, wait_for
from tests.sample_app.models import Volunteer
from tests.sample_app.tasks import count_volunteers

pytestmark = pytest.mark.slow


@pytest.fixture
def two_nodes(django_db_setup, committed, redis_url, tmp_path):
    settings = connection.settings_dict
    bouncer = start_pgbouncer(
        host=settings["HOST"] or "localhost",
        port=settings["PORT"] or 5432,
        user=settings["USER"] or "postgres",
        pool_size=2,
    )
    env = pooled_env(bouncer, settings["NAME"])
    queue = f"test-{uuid.uuid4().hex}"
    started = []
    try:
        ports = []
        for node in (1, 2):
            process, port = start_gunicorn(tmp_path / f"node{node}.log", workers=2, **env)
            started.append(process)
            ports.append(port)
        for node in (1, 2):
            started.append(
                start_celery_worker(
                    tmp_path / f"worker{node}.log", redis_url=redis_url, queue=queue, **env
                )
            )
        celery_app.conf.task_always_eager = False  # this process sends to the workers
        yield ports, bouncer, queue
    finally:
        celery_app.conf.task_always_eager = True
        for process in started:
            stop(process)
        bouncer.stop()


def _serves(port: int, host: str) -> int:
    return http_get(port, host)[0]


def test_a_convention_created_on_one_node_is_served_by_the_other(two_nodes, tmp_path):
    (node1, node2), bouncer, _ = two_nodes
    assert (_serves(node1, "gamma.localhost"), _serves(node2, "gamma.localhost")) == (404, 404)
    try:
        # Created by an operator on node 1 (its environment), through the pooler.
        env = pooled_env(bouncer, connection.settings_dict["NAME"])
        with pytest.MonkeyPatch.context() as patch:
            for name, value in env.items():
                patch.setenv(name, value)
            call_command(
                "create_tenant",
                schema_name="gamma",
                name="Gamma Con",
                domain="gamma.localhost",
                verbosity=0,
            )

        assert _serves(node2, "gamma.localhost") == 200
        assert _serves(node1, "gamma.localhost") == 200
    finally:
        with schema_context("public"):
            Tenant.objects.filter(schema_name="gamma").update(state="deactivated")
            wait_for(
                lambda: all(_serves(port, "gamma.localhost") == 404 for port in (node1, node2) * 4),
                timeout=5,
                what="gamma to go offline on both nodes",
            )
            Tenant.objects.get(schema_name="gamma").delete(force_drop=True)


def test_a_domain_change_reaches_both_nodes(two_nodes):
    (node1, node2), bouncer, _ = two_nodes
    both = (node1, node2) * 4  # each node's two workers
    wait_for(
        lambda: all(_serves(port, "alpha.localhost") == 200 for port in both),
        timeout=20,
        what="alpha's route cached on both nodes",
    )
    domain = Domain.objects.get(domain="alpha.localhost")
    try:
        with psycopg.connect(bouncer.url(connection.settings_dict["NAME"])) as pooled:
            pooled.execute(
                "UPDATE tenant_domain SET domain = 'alpha-renamed.localhost' WHERE id = %s",
                [domain.pk],
            )
        wait_for(
            lambda: all(_serves(port, "alpha.localhost") == 404 for port in both),
            timeout=1,
            interval=0.02,
            what="both nodes to drop the old host",
        )
        renamed = [_serves(port, "alpha-renamed.localhost") for port in both]
    finally:
        Domain.objects.filter(pk=domain.pk).update(domain="alpha.localhost")

    assert renamed == [200] * len(both)


def test_two_workers_run_each_task_in_its_own_convention(two_nodes, redis_url, tmp_path):
    _, _, queue = two_nodes
    alpha, beta = Tenant.objects.get(schema_name="alpha"), Tenant.objects.get(schema_name="beta")
    for tenant, count in ((alpha, 3), (beta, 1)):
        with tenant_context(tenant):
            for _ in range(count):
                Volunteer.objects.create(account_id=0, legal_name="node probe", phone="node")
    expected = {}
    for tenant in (alpha, beta):
        with tenant_context(tenant):
            expected[tenant.schema_name] = Volunteer.objects.count()
    try:
        sent = []
        with celery_app.connection_for_write(redis_url) as broker:
            for i in range(40):
                tenant = (alpha, beta)[i % 2]
                with tenant_context(tenant):
                    result = count_volunteers.apply_async(
                        queue=queue, connection=broker, ignore_result=False
                    )
                sent.append((tenant.schema_name, result.id))
        backend = RedisBackend(app=celery_app, url=redis_url)
        with allow_join_result():
            counted = [
                (schema, AsyncResult(task_id, backend=backend).get(timeout=30))
                for schema, task_id in sent
            ]
    finally:
        for tenant in (alpha, beta):
            with tenant_context(tenant):
                Volunteer.objects.filter(phone="node").delete()

    ran = sum(
        (tmp_path / f"worker{node}.log").read_text().count("count_volunteers") for node in (1, 2)
    )
    assert ran >= len(sent)  # by the workers, not in this process
    assert expected == {"alpha": 3, "beta": 1}
    assert counted == [(schema, expected[schema]) for schema, _ in sent]
