"""Two admins: operators' on the public host, each convention's own on its hosts."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path

from tenant.current import current_tenant
from tenant.roles import VIEW_DIAGNOSTICS
from tenant.selectors import schema_migration_states, tenant_hosts


class PublicAdminSite(admin.AdminSite):
    site_header = "Midsummer operations"
    site_title = "Midsummer operations"
    index_title = "Tenants, domains and people"


class TenantAdminSite(admin.AdminSite):
    site_title = "Convention admin"
    index_title = "Run your convention"
    index_template = "admin/tenant_index.html"

    def each_context(self, request: HttpRequest) -> dict:
        context = super().each_context(request)
        tenant = current_tenant()
        context["site_header"] = f"{tenant.name} admin" if tenant else "Convention admin"
        context["can_view_diagnostics"] = request.user.has_perm(VIEW_DIAGNOSTICS)
        return context

    def get_urls(self):
        return [
            path("diagnostics/", self.admin_view(self.diagnostics_view), name="diagnostics"),
            *super().get_urls(),
        ]

    def diagnostics_view(self, request: HttpRequest) -> TemplateResponse:
        """Developer tools: read-only facts about this convention's schema and hosts."""
        if not request.user.has_perm(VIEW_DIAGNOSTICS):
            raise PermissionDenied
        tenant = current_tenant()
        if tenant is None:
            raise PermissionDenied
        migrations = schema_migration_states(schema=tenant.schema_name)
        context = {
            **self.each_context(request),
            "title": "Diagnostics",
            "schema_name": tenant.schema_name,
            "migrations": migrations,
            "behind": any(app.behind for app in migrations),
            "drift": any(app.unknown for app in migrations),
            **tenant_hosts(tenant=tenant),
        }
        return TemplateResponse(request, "admin/tenant_diagnostics.html", context)


public_admin_site = PublicAdminSite(name="admin")
tenant_admin_site = TenantAdminSite(name="admin")
