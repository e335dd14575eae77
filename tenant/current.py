"""The tenant being served: the one module that answers it, for requests and tasks alike.

The middleware (a request) and tenant-schemas-celery (a task) put the tenant on the database
connection; ``tenant_context``/``schema_context`` do the same for commands and tests. Everything
else asks here, never ``connection.schema_name`` or ``connection.tenant`` directly.

``schema_context`` sets a stand-in object without a primary key; ``current_tenant()`` then looks
the real row up by schema name (one query, public schema).
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.db import connection
from django_tenants.utils import get_public_schema_name

if TYPE_CHECKING:
    from tenant.models import Tenant


# The host of the request being served in this thread, from its first line of middleware
# until its response is closed: its log lines name it even before (or without) its tenant being
# resolved — when the database is down, the connection still holds the previous request's.
_request_host: ContextVar[str | None] = ContextVar("midsummer_request_host", default=None)


def request_started(host: str) -> None:
    """The middleware, first thing in a request: this thread now serves ``host``."""
    _request_host.set(host)


def request_finished(**_signal_kwargs: object) -> None:
    """The request's response is closed (Django's ``request_finished``)."""
    _request_host.set(None)


def log_context() -> tuple[str, str | None]:
    """The (schema, host) a log line names. While a request is served: its host, and the
    connection's schema once the middleware has switched to this host's tenant (``-`` until
    then). Otherwise (a task, a command): what the connection serves."""
    tenant = getattr(connection, "tenant", None)
    schema = getattr(tenant, "schema_name", None) or get_public_schema_name()
    domain = getattr(tenant, "domain_url", None)
    host = _request_host.get()
    if host is None:
        return schema, domain
    return (schema if domain == host else "-"), host


def use_public_schema() -> None:
    """Point the connection at the public schema (the platform's own tables)."""
    connection.set_schema_to_public()  # type: ignore[attr-defined]  # django-tenants' backend


def use_tenant(tenant: Tenant) -> None:
    """Point the connection at ``tenant``'s schema (the middleware, for each request)."""
    connection.set_tenant(tenant)  # type: ignore[attr-defined]  # django-tenants' backend


def current_schema() -> str:
    """The schema the connection serves (``public`` on the platform's own hosts)."""
    return getattr(connection, "schema_name", None) or get_public_schema_name()


def serving_public() -> bool:
    return current_schema() == get_public_schema_name()


def current_tenant() -> Tenant | None:
    """The convention being served, as its saved Tenant row; None on the public schema."""
    from tenant.models import Tenant

    if serving_public():
        return None
    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Tenant) and tenant.pk is not None:
        return tenant
    return Tenant.objects.filter(schema_name=current_schema()).first()


def current_tenant_id() -> int | None:
    """The id of the convention being served; None on the public schema."""
    if serving_public():
        return None
    tenant = getattr(connection, "tenant", None)
    if tenant is not None and getattr(tenant, "pk", None) is not None:
        return tenant.pk
    found = current_tenant()
    return found.pk if found is not None else None


def current_tenant_is_sandbox() -> bool:
    tenant = getattr(connection, "tenant", None)
    return bool(getattr(tenant, "is_sandbox", False)) and not serving_public()


def current_site_url() -> str:
    """The canonical address of the site being served (the convention's primary host, or the
    platform's): links in mails are built from it, never from the request's host."""
    from tenant.routing import resolver
    from tenant.selectors import site_url_for

    host = resolver.canonical_host(current_schema())
    return site_url_for(host=host) if host else ""


def site_link(path: str) -> str:
    """An absolute link to ``path`` on the canonical host of the site being served."""
    return current_site_url() + path
