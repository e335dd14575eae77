"""Resolve the request host to a tenant, first thing in the stack.

Host (lower-cased, port stripped) → platform Domain, else verified CustomDomain → Tenant. The
connection is switched to that tenant's schema and the request gets the tenant or public URLconf.
Unknown hosts get a plain 404 that reveals nothing; a deactivated tenant gets a clear page.
A tenant whose schema is behind the code (a migration not yet applied there) answers 503 "being
updated" instead of being served wrong; only its admin's log-in and diagnostics pages stay open,
so its developers can see why. Whether a schema is behind is cached per process with the route
(no query on the warm path) and re-checked when a migration finishes in it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.template.loader import render_to_string
from django_tenants.utils import get_public_schema_name

from tenant.routing import normalize_host, resolver

HEALTH_CHECK_PATH = "/healthz"
# Still served while the tenant's schema is behind: they read only public rows, the session
# and django_migrations.
OPEN_WHILE_BEHIND = {"/admin/login/", "/admin/diagnostics/"}


class TenantMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == HEALTH_CHECK_PATH:
            # For load balancers and container health checks, which do not send a tenant's host.
            return HttpResponse("ok", content_type="text/plain")
        try:
            host = normalize_host(request.get_host())
        except DisallowedHost:
            return self._unknown_host()
        tenant = resolver.resolve(host)
        if tenant is None:
            connection.set_schema_to_public()
            return self._unknown_host()
        if not tenant.is_active:
            connection.set_schema_to_public()
            return HttpResponseNotFound(
                render_to_string("midsummer/tenant_unavailable.html", {"tenant": tenant})
            )
        if (
            tenant.schema_name != get_public_schema_name()
            and request.path not in OPEN_WHILE_BEHIND
            and resolver.schema_is_behind(tenant.schema_name)
        ):
            connection.set_schema_to_public()
            return HttpResponse(
                render_to_string("midsummer/tenant_updating.html", {"tenant": tenant}),
                status=503,
                headers={"Retry-After": "60"},
            )

        tenant.domain_url = host
        request.tenant = tenant
        connection.set_tenant(tenant)
        # Django's handler activates request.urlconf itself.
        request.urlconf = (
            settings.PUBLIC_SCHEMA_URLCONF
            if tenant.schema_name == get_public_schema_name()
            else settings.ROOT_URLCONF
        )
        return self.get_response(request)

    @staticmethod
    def _unknown_host() -> HttpResponse:
        return HttpResponseNotFound(render_to_string("midsummer/unknown_host.html"))
