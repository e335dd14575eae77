"""Readiness apart from liveness, per-tenant Prometheus metrics, JSON logs with the tenant."""

from __future__ import annotations

import json
import uuid

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import path
from django_tenants.utils import tenant_context
from prometheus_client.parser import text_string_to_metric_families

from midsummer import observability
from midsummer.celery import app as celery_app
from midsummer.urls_tenant import urlpatterns as tenant_urlpatterns
from tests.processes import (
    PRODUCTION_ENV,
    free_port,
    http_get,
    manage,
    start_gunicorn,
    stop,
)
from tests.sample_app.tasks import count_volunteers

TOKEN = "metrics-" + uuid.uuid4().hex


def _fails(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _fails), *tenant_urlpatterns]


@pytest.fixture
def fresh_redis_client():
    observability._client = None  # a client for this test's REDIS_URL
    yield
    observability._client = None


def _samples(client: Client) -> dict[tuple[str, tuple], float]:
    response = client.get("/-/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    text = response.content.decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_readiness_answers_ok_when_database_redis_and_migrations_are(client_public):
    response = client_public.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "ready": True,
        "checks": {"database": "ok", "migrations": "ok", "redis": "ok"},
    }


def test_readiness_fails_while_liveness_answers_when_redis_is_gone(db, fresh_redis_client):
    with override_settings(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0"):
        ready = Client(HTTP_HOST="localhost").get("/readyz")
        alive = Client(HTTP_HOST="localhost").get("/healthz")

    assert (ready.status_code, alive.status_code) == (503, 200)
    assert ready.json()["checks"]["redis"].startswith("ConnectionError")
    assert ready.json()["checks"]["database"] == "ok"


@pytest.mark.slow
def test_readiness_fails_while_liveness_answers_when_the_database_is_gone(
    django_db_setup, tmp_path
):
    dead = f"postgres://postgres@127.0.0.1:{free_port()}/nowhere"
    process, port = start_gunicorn(tmp_path / "gunicorn.log", workers=1, DATABASE_URL=dead)
    try:
        ready = http_get(port, "localhost", "/readyz")
        alive = http_get(port, "localhost", "/healthz")
    finally:
        stop(process)

    assert (ready[0], alive[0]) == (503, 200)
    checks = json.loads(ready[1])["checks"]
    assert checks["database"].startswith("OperationalError")
    assert checks["migrations"] == "unknown"


def test_metrics_need_the_token(client_public):
    with override_settings(METRICS_TOKEN=""):
        unset = client_public.get("/-/metrics", HTTP_AUTHORIZATION="Bearer anything")
    with override_settings(METRICS_TOKEN=TOKEN):
        missing = client_public.get("/-/metrics")
        wrong = client_public.get("/-/metrics", HTTP_AUTHORIZATION="Bearer not-the-token")

    assert (unset.status_code, missing.status_code, wrong.status_code) == (404, 403, 403)


@override_settings(METRICS_TOKEN=TOKEN, ROOT_URLCONF=__name__)
def test_metrics_count_each_tenants_requests_errors_and_latency(
    client_a, client_b, client_public, fresh_redis_client
):
    client_a.raise_request_exception = False
    before = _samples(client_public)

    for _ in range(3):
        client_a.get("/shifts/")
    client_a.get("/boom/")
    client_b.get("/shifts/")
    client_b.get("/no-such-page/")
    after = _samples(client_public)

    def delta(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert delta("midsummer_http_requests_total", tenant="alpha", status="2xx") == 3
    assert delta("midsummer_http_requests_total", tenant="alpha", status="5xx") == 1
    assert delta("midsummer_http_errors_total", tenant="alpha") == 1
    assert delta("midsummer_http_requests_total", tenant="beta", status="2xx") == 1
    assert delta("midsummer_http_requests_total", tenant="beta", status="4xx") == 1
    assert delta("midsummer_http_errors_total", tenant="beta") == 0
    assert delta("midsummer_http_request_duration_seconds_count", tenant="alpha") == 4
    assert delta("midsummer_http_request_duration_seconds_bucket", tenant="beta", le="+Inf") == 2
    assert delta("midsummer_http_request_duration_seconds_sum", tenant="alpha") > 0


def test_metrics_split_the_queue_depth_by_tenant(
    tenant_a, tenant_b, client_public, redis_url, fresh_redis_client
):
    queue = f"test-{uuid.uuid4().hex}"
    celery_app.conf.task_always_eager = False
    try:
        with celery_app.connection_for_write(redis_url) as broker:
            for tenant, count in ((tenant_a, 2), (tenant_b, 1)):
                with tenant_context(tenant):
                    for _ in range(count):
                        count_volunteers.apply_async(queue=queue, connection=broker)
        with override_settings(METRICS_TOKEN=TOKEN, CELERY_TASK_DEFAULT_QUEUE=queue):
            samples = _samples(client_public)
    finally:
        celery_app.conf.task_always_eager = True
        observability._redis().delete(queue)  # type: ignore[union-attr]

    depth = {
        dict(labels)["tenant"]: value
        for (name, labels), value in samples.items()
        if name == "midsummer_task_queue_depth"
    }
    assert depth == {"alpha": 2, "beta": 1}


def test_production_logs_are_json_lines_naming_the_tenant():
    code = (
        "import logging;"
        "from tenant.current import request_started;"
        "request_started('alpha.localhost');"
        "logging.getLogger('midsummer.probe').warning('hello')"
    )

    result = manage("shell", "-c", code, env=PRODUCTION_ENV)

    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert (line["level"], line["logger"], line["message"]) == (
        "WARNING",
        "midsummer.probe",
        "hello",
    )
    assert line["host"] == "alpha.localhost"
    assert "tenant" in line


def test_connection_is_public_after_readiness(client_public):
    client_public.get("/readyz")

    assert connection.schema_name == "public"  # type: ignore[attr-defined]
