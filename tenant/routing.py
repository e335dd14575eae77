"""Host → tenant resolution with a per-process cache that every process invalidates at once.

A warm request resolves its host from memory, without a database round-trip. Database triggers
on the tenant, domain and custom-domain tables ``NOTIFY`` a channel on commit (so any writer is
covered: the admin, ``create_tenant``, a bulk ``update()``, raw SQL); each process LISTENs on
its own connection in a background thread and drops its cache when told. While that listener
is not connected the cache is not used at all, so a process never serves a route it could not
hear being changed. Unknown hosts are never cached: a tenant created a moment ago is served by
the very next request.

The same cache remembers, per tenant schema, whether the schema is behind the code (a tenant
migration not applied there): such a tenant is answered "being updated" rather than served
wrong. It is worked out once per schema and process (two queries, on the cold path only) and
forgotten when a ``migrate`` finishes in that schema: a ``post_migrate`` receiver notifies the
same channel with ``schema:<name>`` (``migrate_schemas``, ``tenant_command migrate``, Django's
``migrate``, forwards or backwards alike).
"""

from __future__ import annotations

import copy
import logging
import os
import secrets
import threading
import time

import psycopg
from django.db import connections
from django_tenants.utils import get_public_schema_name, schema_context

from tenant.models import Tenant
from tenant.selectors import tenant_for_host

logger = logging.getLogger(__name__)

ROUTES_CHANNEL = "midsummer_routes"
SCHEMA_PAYLOAD_PREFIX = "schema:"
# Every route listener answers a "sync:<token>" notification on this channel once it has dropped
# its cache, so an operator's command can wait until no running process still routes a host
# (see routes_sync, used before a tenant's schema is dropped).
ROUTES_ACK_CHANNEL = "midsummer_routes_ack"
LISTENER_APPLICATION_NAME = "midsummer-route-listener"
SYNC_PREFIX = "sync:"


def normalize_host(host: str) -> str:
    """``Uproar.Localhost:8000`` → ``uproar.localhost``: lower-cased, port and final dot gone."""
    host = host.strip().lower()
    if host.startswith("["):  # IPv6 literal, e.g. [::1]:8000
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0].rstrip(".") if ":" in host else host.rstrip(".")


def database_conninfo() -> str:
    """libpq connection string of the default database (for connections Django does not own)."""
    settings_dict = connections["default"].settings_dict
    params = {
        "dbname": settings_dict["NAME"],
        "user": settings_dict.get("USER"),
        "password": settings_dict.get("PASSWORD"),
        "host": settings_dict.get("HOST"),
        "port": settings_dict.get("PORT"),
    }
    return psycopg.conninfo.make_conninfo(**{k: v for k, v in params.items() if v})


def routes_sync(*, timeout: float = 10.0) -> set[int]:
    """Make every running process drop its route cache, and wait until each has said so.

    Returns the backend pids of listeners that did not answer within ``timeout`` (empty when
    every process is known to have dropped its cache). Call it after committing a change.
    """
    token = f"{SYNC_PREFIX}{secrets.token_hex(8)}"
    deadline = time.monotonic() + timeout
    with psycopg.connect(database_conninfo(), autocommit=True) as conn:
        conn.execute(f"LISTEN {ROUTES_ACK_CHANNEL}")
        listeners_sql = (
            "SELECT pid FROM pg_stat_activity "
            "WHERE application_name = %s AND datname = current_database()"
        )
        waiting = {row[0] for row in conn.execute(listeners_sql, [LISTENER_APPLICATION_NAME])}
        conn.execute("SELECT pg_notify(%s, %s)", [ROUTES_CHANNEL, token])
        while waiting and time.monotonic() < deadline:
            for notify in conn.notifies(timeout=0.2):
                payload, _, pid = notify.payload.rpartition(" ")
                if payload == token:
                    waiting.discard(int(pid))
            # A process that exited meanwhile has no cache left to drop.
            alive = {row[0] for row in conn.execute(listeners_sql, [LISTENER_APPLICATION_NAME])}
            waiting &= alive
    return waiting


class HostResolver:
    def __init__(self) -> None:
        self._routes: dict[str, Tenant] = {}
        self._behind: dict[str, bool] = {}
        self._canonical: dict[str, str] = {}
        self._code_migrations: tuple | None = None
        self._generation = 0
        self._lock = threading.Lock()
        self._listening = threading.Event()
        self._listener_pid: int | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def resolve(self, host: str) -> Tenant | None:
        """The tenant for a normalized host, or None. Returns a copy the caller may keep."""
        self._ensure_listener()
        tenant = self._routes.get(host)
        if tenant is None:
            generation = self._generation
            with schema_context(get_public_schema_name()):
                tenant = tenant_for_host(host=host)
            if tenant is None:
                return None
            with self._lock:
                if self._listening.is_set() and generation == self._generation:
                    self._routes[host] = tenant
        return copy.copy(tenant)

    def canonical_host(self, schema: str) -> str | None:
        """The host ``schema``'s site is known by (cached like routes: every page's social
        tags and every mailed link ask for it)."""
        self._ensure_listener()
        host = self._canonical.get(schema)
        if host is None:
            from tenant.selectors import canonical_host

            generation = self._generation
            # No switch to ``public``: the identity tables live only there, and every
            # search_path ends with it (two SET statements saved on each miss).
            host = canonical_host(schema=schema)
            if host is None:
                return None
            with self._lock:
                if self._listening.is_set() and generation == self._generation:
                    self._canonical[schema] = host
        return host

    def schema_is_behind(self, schema: str) -> bool:
        """Whether ``schema`` lacks a tenant migration the code has (cached like routes)."""
        self._ensure_listener()
        behind = self._behind.get(schema)
        if behind is None:
            from tenant.selectors import schema_is_behind, tenant_migrations_in_code

            if self._code_migrations is None:
                self._code_migrations = tenant_migrations_in_code()  # the code: once a process
            generation = self._generation
            behind = schema_is_behind(schema=schema, code=self._code_migrations)
            with self._lock:
                if self._listening.is_set() and generation == self._generation:
                    self._behind[schema] = behind
        return behind

    def invalidate(self) -> None:
        with self._lock:
            self._generation += 1
            self._routes = {}
            self._behind = {}
            self._canonical = {}

    def invalidate_schema(self, schema: str) -> None:
        """Forget whether ``schema`` is behind (its migrations changed); routes stay."""
        with self._lock:
            self._generation += 1
            self._behind.pop(schema, None)

    @property
    def is_listening(self) -> bool:
        return self._listening.is_set()

    def cached_hosts(self) -> set[str]:
        return set(self._routes)

    def _ensure_listener(self) -> None:
        pid = os.getpid()
        if self._listener_pid == pid:
            return
        with self._lock:
            if self._listener_pid == pid:
                return
            # A forked child (gunicorn worker) inherits the parent's cache but not its thread.
            self._routes = {}
            self._canonical = {}
            self._generation += 1
            self._listening.clear()
            self._stopping.clear()
            self._listener_pid = pid
            self._thread = threading.Thread(
                target=self._listen_forever, name="route-listener", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        """Stop listening and close the listener's connection (used before dropping a database)."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._thread = None
        self._listener_pid = None

    def _listen_forever(self) -> None:
        while not self._stopping.is_set():
            try:
                with psycopg.connect(
                    database_conninfo(), autocommit=True, application_name=LISTENER_APPLICATION_NAME
                ) as conn:
                    conn.execute(f"LISTEN {ROUTES_CHANNEL}")
                    # Anything cached before we were listening may already be stale.
                    self.invalidate()
                    self._listening.set()
                    while not self._stopping.is_set():
                        syncs = []
                        for notify in conn.notifies(timeout=0.5):
                            if notify.payload.startswith(SCHEMA_PAYLOAD_PREFIX):
                                self.invalidate_schema(
                                    notify.payload.removeprefix(SCHEMA_PAYLOAD_PREFIX)
                                )
                                continue
                            self.invalidate()
                            if notify.payload.startswith(SYNC_PREFIX):
                                syncs.append(notify.payload)
                        # Answered once the cache is dropped (and outside the generator, which
                        # holds the connection).
                        for payload in syncs:
                            conn.execute(
                                "SELECT pg_notify(%s, %s || ' ' || pg_backend_pid())",
                                [ROUTES_ACK_CHANNEL, payload],
                            )
            except Exception:
                logger.warning("route listener lost its connection; retrying", exc_info=True)
                self._stopping.wait(1)
            finally:
                self._listening.clear()
                self.invalidate()


resolver = HostResolver()


def notify_schema_migrated(*, using: str = "default") -> None:
    """Tell every process that the migrations of the connection's current schema changed
    (delivered on commit). Connected to ``post_migrate`` in ``TenantConfig.ready``."""
    conn = connections[using]
    schema = getattr(conn, "schema_name", None) or get_public_schema_name()
    with conn.cursor() as cursor:
        cursor.execute("SELECT pg_notify(%s, %s)", [ROUTES_CHANNEL, SCHEMA_PAYLOAD_PREFIX + schema])
