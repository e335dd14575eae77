"""Two admins: operators' on the public host, each convention's own on its hosts."""

from django.contrib import admin
from django.http import HttpRequest


class PublicAdminSite(admin.AdminSite):
    site_header = "Midsummer operations"
    site_title = "Midsummer operations"
    index_title = "Tenants, domains and people"


class TenantAdminSite(admin.AdminSite):
    site_title = "Convention admin"
    index_title = "Run your convention"

    def each_context(self, request: HttpRequest) -> dict:
        context = super().each_context(request)
        tenant = getattr(request, "tenant", None)
        context["site_header"] = f"{tenant.name} admin" if tenant else "Convention admin"
        return context


public_admin_site = PublicAdminSite(name="admin")
tenant_admin_site = TenantAdminSite(name="admin")
