"""Readiness and per-tenant metrics, for the operator's load balancer and Prometheus.

* ``/healthz`` (liveness, midsummer/middleware.py): the process answers; nothing else is asked.
* ``/readyz`` (readiness): the database answers, Redis answers (when configured) and the public
  schema's migrations are all applied; 503 with the failing checks otherwise. A tenant schema
  behind the code is answered per host ("being updated", tenant/routing.py), not here.
* ``/-/metrics`` (internal): Prometheus text format, only with ``Authorization: Bearer
  <METRICS_TOKEN>`` (404 while the setting is empty). Per tenant: requests by status class,
  5xx errors, a latency histogram, and the Celery queue's depth. The counters are kept in
  Redis, so every worker of every node adds to the same numbers and any one of them answers
  for all; without Redis (dev mode) each process counts its own.

Recording a request costs one pipelined Redis round-trip; Redis gone, the request is served and
the sample dropped (and no sample is tried for the next few seconds, so requests don't each wait
for Redis's timeout).
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily

logger = logging.getLogger(__name__)

READINESS_PATH = "/readyz"
METRICS_PATH = "/-/metrics"
PROBE_PATHS = frozenset({"/healthz", READINESS_PATH})  # not counted as requests
BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, float("inf"))
KEY = "midsummer:metrics:"
SKIP_AFTER_FAILURE_SECONDS = 5.0
_skip_until = 0.0
QUEUE_SCAN_LIMIT = 10_000  # messages read to split the queue's depth by tenant


_client: redis.Redis | None = None


def _redis() -> redis.Redis | None:
    """One client per process (its pool reconnects after a fork); None without Redis."""
    global _client
    if not settings.REDIS_URL:
        return None
    if _client is None:
        _client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5
        )
    return _client


class _LocalStore:
    """Counters of this process only (no Redis configured)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.hashes: dict[str, dict[str, float]] = {}

    def add(self, increments: list[tuple[str, str, float]]) -> None:
        with self.lock:
            for key, field, amount in increments:
                fields = self.hashes.setdefault(key, {})
                fields[field] = fields.get(field, 0.0) + amount

    def read(self, key: str) -> dict[str, float]:
        with self.lock:
            return dict(self.hashes.get(key, {}))


_local = _LocalStore()


def _le(bound: float) -> str:
    return "+Inf" if bound == float("inf") else repr(bound)


def record_request(*, tenant: str, status: int, seconds: float) -> None:
    increments: list[tuple[str, str, float]] = [
        (KEY + "requests", f"{tenant}|{status // 100}xx", 1),
        (KEY + "latency_sum", tenant, seconds),
        (KEY + "latency_count", tenant, 1),
    ]
    increments += [
        (KEY + "latency_bucket", f"{tenant}|{_le(b)}", 1) for b in BUCKETS if seconds <= b
    ]
    if status >= 500:
        increments.append((KEY + "errors", tenant, 1))
    global _skip_until
    client = _redis()
    if client is None:
        _local.add(increments)
        return
    if time.monotonic() < _skip_until:
        return  # Redis failed a moment ago: don't make every request wait for its timeout
    try:
        with client.pipeline(transaction=False) as pipe:
            for key, field, amount in increments:
                if isinstance(amount, float) and not amount.is_integer():
                    pipe.hincrbyfloat(key, field, amount)
                else:
                    pipe.hincrby(key, field, int(amount))
            pipe.execute()
    except redis.RedisError:
        _skip_until = time.monotonic() + SKIP_AFTER_FAILURE_SECONDS
        logger.debug("metrics sample dropped: Redis unavailable", exc_info=True)


def _read(client: redis.Redis | None, key: str) -> dict[str, float]:
    if client is None:
        return _local.read(KEY + key)
    raw = client.hgetall(KEY + key)
    return {field.decode(): float(value) for field, value in raw.items()}  # type: ignore[union-attr]


def _queue_depth(client: redis.Redis | None) -> dict[str, int]:
    """Messages waiting in the Celery queue, by the schema they were queued from."""
    if client is None:
        return {}
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    depth: Counter = Counter()
    for raw in client.lrange(queue, 0, QUEUE_SCAN_LIMIT - 1):  # type: ignore[union-attr]
        try:
            headers = json.loads(raw).get("headers") or {}
        except ValueError:
            headers = {}
        depth[headers.get("_schema_name") or "-"] += 1
    total = int(client.llen(queue))  # type: ignore[arg-type]
    unread = total - sum(depth.values())  # beyond QUEUE_SCAN_LIMIT
    if unread > 0:
        depth["-"] += unread
    return dict(depth)


class _Collector:
    def collect(self) -> Iterator:
        client = _redis()
        requests = CounterMetricFamily(
            "midsummer_http_requests",
            "Requests answered, by tenant and status class",
            labels=["tenant", "status"],
        )
        for field, value in sorted(_read(client, "requests").items()):
            tenant, status = field.rsplit("|", 1)
            requests.add_metric([tenant, status], value)
        yield requests
        errors = CounterMetricFamily(
            "midsummer_http_errors", "Requests answered with a 5xx status", labels=["tenant"]
        )
        for tenant, value in sorted(_read(client, "errors").items()):
            errors.add_metric([tenant], value)
        yield errors
        latency = HistogramMetricFamily(
            "midsummer_http_request_duration_seconds",
            "Time to answer a request",
            labels=["tenant"],
        )
        sums, buckets = _read(client, "latency_sum"), _read(client, "latency_bucket")
        for tenant in sorted(_read(client, "latency_count")):
            latency.add_metric(
                [tenant],
                [(_le(b), buckets.get(f"{tenant}|{_le(b)}", 0.0)) for b in BUCKETS],
                sums.get(tenant, 0.0),
            )
        yield latency
        queue = GaugeMetricFamily(
            "midsummer_task_queue_depth", "Tasks waiting in the Celery queue", labels=["tenant"]
        )
        for tenant, value in sorted(_queue_depth(client).items()):
            queue.add_metric([tenant], value)
        yield queue


def metrics_response(request: HttpRequest) -> HttpResponse:
    token = settings.METRICS_TOKEN
    if not token:
        return HttpResponse("Not found", status=404, content_type="text/plain")
    sent = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not hmac.compare_digest(sent.encode(), token.encode()):
        return HttpResponse(
            "A valid metrics token is required.", status=403, content_type="text/plain"
        )
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Collector())  # type: ignore[arg-type]
    try:
        body = generate_latest(registry)
    except redis.RedisError:
        return HttpResponse("Redis is unavailable.", status=503, content_type="text/plain")
    return HttpResponse(body, content_type="text/plain; version=0.0.4; charset=utf-8")


_migrations_applied = False


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_migrations() -> None:
    global _migrations_applied
    if _migrations_applied:  # applied migrations stay applied for this process's code
        return
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise RuntimeError(f"{len(pending)} migrations not applied")
    _migrations_applied = True


def _check_redis() -> None:
    client = _redis()
    if client is not None:
        client.ping()


CHECKS: dict[str, Callable[[], None]] = {
    "database": _check_database,
    "migrations": _check_migrations,
    "redis": _check_redis,
}


def readiness_response() -> HttpResponse:
    """Called with the public schema selected (the middleware answers before any tenant)."""
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        if name == "migrations" and results.get("database") != "ok":
            results[name] = "unknown"
            continue
        try:
            check()
            results[name] = "ok"
        except Exception as error:  # noqa: BLE001 - every failure makes the process unready
            results[name] = f"{type(error).__name__}: {error}".strip()[:200]
    ready = all(value == "ok" for value in results.values())
    return JsonResponse({"ready": ready, "checks": results}, status=200 if ready else 503)


class MetricsMiddleware:
    """Times every request and counts it for its tenant (``-`` when no tenant was resolved);
    answers the internal metrics endpoint itself. Placed before TenantMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == METRICS_PATH:
            return metrics_response(request)
        if request.path in PROBE_PATHS:
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        tenant = getattr(getattr(request, "tenant", None), "schema_name", None) or "-"
        record_request(
            tenant=tenant, status=response.status_code, seconds=time.perf_counter() - started
        )
        return response
