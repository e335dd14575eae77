"""Resolve the request host to a tenant, first thing in the stack.

Host (lower-cased, port stripped) → platform Domain, else verified CustomDomain → Tenant. The
connection is switched to that tenant's schema and the request gets the tenant or public URLconf.
Unknown hosts get a plain 404 that reveals nothing; a deactivated tenant gets a clear page.
A tenant whose schema is behind the code (a migration not yet applied there) answers 503 "being
updated" instead of being served wrong; only its admin's log-in and diagnostics pages stay open,
so its developers can see why. Whether a schema is behind is cached per process with the route
(no query on the warm path) and re-checked when a migration finishes in it.

The database gone while resolving a host (not in the route cache) answers 503 with
``Retry-After`` like anywhere else in a request (midsummer/outage.py).

An archived tenant is read-only: a non-safe method is refused before any view runs (403 with a
clear page, or JSON for API clients), and a safe one is served inside a transaction PostgreSQL
itself keeps read-only and that is rolled back afterwards, so nothing a view, a signal or a
middleware tries to write can slip through, and the connection is as before for the next request.
"""

from __future__ import annotations

from collections.abc import Callable

import psycopg
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, JsonResponse
from django.template.loader import render_to_string
from django_tenants.utils import get_public_schema_name

from midsummer.observability import READINESS_PATH, readiness_response
from midsummer.outage import is_unavailable_error, unavailable_response
from tenant.current import request_started, use_public_schema, use_tenant
from tenant.routing import normalize_host, resolver

HEALTH_CHECK_PATH = "/healthz"
# Still served while the tenant's schema is behind: they read only public rows, the session
# and django_migrations.
OPEN_WHILE_BEHIND = {"/admin/login/", "/admin/diagnostics/"}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
READ_ONLY_MESSAGE = "This convention is archived: it can be viewed but no longer changed."


class TenantMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == HEALTH_CHECK_PATH:
            # For load balancers and container health checks, which do not send a tenant's host.
            return HttpResponse("ok", content_type="text/plain")
        if request.path == READINESS_PATH:
            use_public_schema()
            return readiness_response()
        try:
            host = normalize_host(request.get_host())
        except DisallowedHost:
            request_started("-")
            return self._unknown_host()
        request_started(host)  # log lines name this host from here on, resolved or not
        try:
            return self._route(request, host)
        except Exception as error:
            # Resolving a host not in the route cache queries public: with the database gone,
            # 503 (midsummer/outage.py) rather than Django's 500 page.
            if not is_unavailable_error(error):
                raise
            return unavailable_response(request, error)

    def _route(self, request: HttpRequest, host: str) -> HttpResponse:
        tenant = resolver.resolve(host)
        if tenant is None:
            use_public_schema()
            return self._unknown_host()
        if tenant.state == tenant.State.DEACTIVATED:
            use_public_schema()
            return HttpResponseNotFound(
                render_to_string("midsummer/tenant_unavailable.html", {"tenant": tenant})
            )
        if (
            tenant.schema_name != get_public_schema_name()
            and request.path not in OPEN_WHILE_BEHIND
            and resolver.schema_is_behind(tenant.schema_name)
        ):
            use_public_schema()
            return HttpResponse(
                render_to_string("midsummer/tenant_updating.html", {"tenant": tenant}),
                status=503,
                headers={"Retry-After": "60"},
            )

        tenant.domain_url = host
        request.tenant = tenant  # type: ignore[attr-defined]  # read by views and the admin
        use_tenant(tenant)
        # Django's handler activates request.urlconf itself.
        request.urlconf = (  # type: ignore[attr-defined]
            settings.PUBLIC_SCHEMA_URLCONF
            if tenant.schema_name == get_public_schema_name()
            else settings.ROOT_URLCONF
        )
        if tenant.is_archived:
            return self._serve_read_only(request)
        return self.get_response(request)

    def _serve_read_only(self, request: HttpRequest) -> HttpResponse:
        if request.method not in SAFE_METHODS:
            return self.read_only_response(request)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION READ ONLY")
            try:
                response = self.get_response(request)
            except DatabaseError as error:  # only when called outside Django's handler
                if not is_read_only_error(error):
                    raise
                response = self.read_only_response(request)
            transaction.set_rollback(True)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A view that tried to write in an archived tenant gets the read-only answer, not a 500."""
        tenant = getattr(request, "tenant", None)
        if tenant is not None and tenant.is_archived and is_read_only_error(exception):
            return self.read_only_response(request)
        return None

    @staticmethod
    def read_only_response(request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/v1/"):  # the REST API answers in problem details
            return JsonResponse(
                {
                    "type": "about:blank",
                    "title": "Forbidden",
                    "status": 403,
                    "detail": str(READ_ONLY_MESSAGE),
                    "reason": "archived",
                },
                status=403,
                content_type="application/problem+json",
            )
        wants_json = request.path.startswith(("/api/", "/o/")) or "application/json" in (
            request.headers.get("Accept", "")
        )
        if wants_json:
            return JsonResponse({"error": "archived", "detail": READ_ONLY_MESSAGE}, status=403)
        return HttpResponse(
            render_to_string(
                "midsummer/tenant_read_only.html",
                {"tenant": request.tenant, "message": READ_ONLY_MESSAGE},  # type: ignore[attr-defined]
            ),
            status=403,
        )

    @staticmethod
    def _unknown_host() -> HttpResponse:
        return HttpResponseNotFound(render_to_string("midsummer/unknown_host.html"))


def is_read_only_error(error: BaseException) -> bool:
    """A write refused because the transaction is read-only (SQLSTATE 25006)."""
    while error is not None:
        if isinstance(error, psycopg.errors.ReadOnlySqlTransaction):
            return True
        error = error.__cause__  # type: ignore[assignment]
    return False
