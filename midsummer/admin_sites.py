"""Two admins: operators' on the public host, each convention's own on its hosts."""

from functools import cache

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path

from midsummer.contract import admin_event_choices, admin_tiles
from tenant.current import current_tenant
from tenant.roles import VIEW_DIAGNOSTICS
from tenant.selectors import schema_migration_states, tenant_hosts, users_known_here


class PublicAdminSite(admin.AdminSite):
    site_header = "Midsummer operations"
    site_title = "Midsummer operations"
    index_title = "Tenants, domains and people"


class ServedEventOnly:
    """Under an event's address (``/<slug>/admin/``, event/middleware.py sets ``request.event``)
    a list of rows that belong to an event shows that event's only, and another event's row is
    not found; at ``/admin/`` every event's rows are listed, as before."""

    def get_queryset(self, request):
        rows = super().get_queryset(request)  # type: ignore[misc]
        event = getattr(request, "event", None)
        if event is not None and _belongs_to_an_event(rows.model):
            rows = rows.filter(event=event)
        return rows


def _belongs_to_an_event(model: type) -> bool:
    try:
        field = model._meta.get_field("event")  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 — FieldDoesNotExist: not an event's row
        return False
    return bool(field.is_relation) and field.related_model._meta.label == "event.Event"


class KnownPeopleOnly:
    """In a convention's admin, every choice of a person (a select of accounts, in a form or an
    inline) lists only people this convention knows (``users_known_here``)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is get_user_model():
            kwargs["queryset"] = users_known_here()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model is get_user_model():
            kwargs["queryset"] = users_known_here()
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)  # type: ignore[misc]
        for inline in inlines:
            inline.__class__ = _guarded(inline.__class__)
        return inlines


@cache
def _guarded(admin_class: type) -> type:
    if issubclass(admin_class, KnownPeopleOnly):
        return admin_class
    return type(
        admin_class.__name__,
        (KnownPeopleOnly, ServedEventOnly, admin_class),
        {"__module__": admin_class.__module__},
    )


class TenantAdminSite(admin.AdminSite):
    site_title = "Convention admin"
    index_title = "Run your convention"
    index_template = "admin/tenant_index.html"

    def each_context(self, request: HttpRequest) -> dict:
        context = super().each_context(request)
        tenant = current_tenant()
        context["site_header"] = f"{tenant.name} admin" if tenant else "Convention admin"
        context["can_view_diagnostics"] = request.user.has_perm(VIEW_DIAGNOSTICS)
        context["event_choices"] = admin_event_choices(request=request)
        return context

    def index(self, request: HttpRequest, extra_context: dict | None = None):
        """Django's index with the apps' dashboard on top: the contract's ``admin_tiles``."""
        return super().index(
            request, {"tiles": admin_tiles(request=request), **(extra_context or {})}
        )

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list:
        """The apps' sections, the accounts' one named for what organizers do with it."""
        app_list = super().get_app_list(request, app_label)
        for app in app_list:
            if app["app_label"] == "tenant":
                app["name"] = "Team and access"
        return app_list

    def register(self, model_or_iterable, admin_class=None, **options) -> None:
        """Every model admin of a convention offers only people known here (KnownPeopleOnly)."""
        super().register(model_or_iterable, _guarded(admin_class or admin.ModelAdmin), **options)

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
