"""Two admins: operators' on the public host, each convention's own on its hosts."""

from collections.abc import Callable
from functools import cache
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import F
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy

from midsummer.contract import admin_dashboards, admin_event_choices
from tenant.current import current_tenant
from tenant.roles import VIEW_DIAGNOSTICS
from tenant.selectors import schema_migration_states, tenant_hosts, users_known_here


class PublicAdminSite(admin.AdminSite):
    site_header = "Midsummer operations"
    site_title = "Midsummer operations"
    index_title = "Tenants, domains and people"


class ServedEventOnly:
    """Under an event's address (``/<slug>/admin/``, event/middleware.py sets ``request.event``)
    a list of an event's rows (``event_path``) shows that event's only, another event's row is
    not found, and the list's filters offer that event's levels, departments, … only. At
    ``/admin/`` (*All events*) every event's rows are listed and, when the convention has
    several events, each row and each filter choice says which event it belongs to."""

    def get_queryset(self, request):
        rows = super().get_queryset(request)  # type: ignore[misc]
        event = getattr(request, "event", None)
        if event is not None and (path := event_path(rows.model)) is not None:
            rows = rows.filter(**{path: event})
        return rows

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))  # type: ignore[misc]
        if path := _event_column(request, self.model, columns):  # type: ignore[attr-defined]
            columns.insert(1, path if path == "event" else _event_through(path))
        return columns

    def get_list_select_related(self, request):
        related = super().get_list_select_related(request)  # type: ignore[misc]
        columns = list(super().get_list_display(request))  # type: ignore[misc]
        if isinstance(related, list | tuple) and (
            path := _event_column(request, self.model, columns)  # type: ignore[attr-defined]
        ):
            return [*related, path]
        return related

    def get_list_filter(self, request):
        served = getattr(request, "event", None) is not None
        filters = []
        for item in super().get_list_filter(request):  # type: ignore[misc]
            related = _filtered_model(self.model, item)  # type: ignore[attr-defined]
            if related is not None and _is_event(related):
                if served:
                    continue  # one event is shown: nothing to choose
            elif related is not None and event_path(related) is not None:
                item = (item, ServedEventChoices)
            filters.append(item)
        return filters


class ServedEventChoices(admin.RelatedFieldListFilter):
    """A filter by an event's row (a badge level, a department): an event's admin offers that
    event's only; the admin of all events names each choice's event when there are several."""

    def field_choices(self, field, request, model_admin):
        rows = field.related_model._default_manager.all()
        if ordering := self.field_admin_ordering(field, request, model_admin):
            rows = rows.order_by(*ordering)
        path = event_path(field.related_model)
        event = getattr(request, "event", None)
        if event is not None:
            return [(row.pk, str(row)) for row in rows.filter(**{path: event})]
        if not several_events(request):
            return [(row.pk, str(row)) for row in rows]
        by_event = rows.order_by(
            f"{path}__start_date", f"{path}__pk", *(ordering or rows.model._meta.ordering)
        )
        named = by_event.annotate(_event_name=F(f"{path}__name"))
        return [(row.pk, f"{row} ({row._event_name})") for row in named]


@cache
def _event_through(path: str) -> Callable[[Any], Any]:
    """The *Event* column of rows that reach their event through a parent (``path``, read
    with the rows: ``get_list_select_related``)."""

    @admin.display(description=gettext_lazy("Event"), ordering=path)
    def event(row: Any) -> Any:
        for name in path.split("__"):
            row = getattr(row, name)
        return row

    return event


@cache
def event_path(model: type) -> str | None:
    """How a model's rows reach the event they belong to: ``"event"`` (their own foreign key),
    else the shortest way through the parents they cannot be without (``"level__event"``,
    ``"job__department__event"``); None: not an event's rows."""
    ways: list[tuple[type, str]] = [(model, "")]
    for _ in range(3):
        further = []
        for parent, prefix in ways:
            if _has_event_key(parent):
                return f"{prefix}event"
            further += [
                (field.related_model, f"{prefix}{field.name}__")
                for field in parent._meta.get_fields()  # type: ignore[attr-defined]
                if field.is_relation
                and field.concrete
                and (field.many_to_one or field.one_to_one)
                and not field.null
                and not _is_event(field.related_model)
            ]
        ways = further
    return next((f"{prefix}event" for parent, prefix in ways if _has_event_key(parent)), None)


def several_events(request: HttpRequest) -> bool:
    """Whether the admin offers a choice of events (its header's selector)."""
    return bool(event_choices(request))


def event_choices(request: HttpRequest) -> list:
    """The admin header's events (midsummer.contract), read once per request."""
    if not hasattr(request, "_admin_event_choices"):
        request._admin_event_choices = admin_event_choices(request=request)  # type: ignore[attr-defined]
    return request._admin_event_choices  # type: ignore[attr-defined]


def _event_column(request: HttpRequest, model: type, columns: list) -> str | None:
    """The event column a list of all events' rows gains, when there are several events."""
    path = event_path(model)
    if getattr(request, "event", None) is not None or path is None or path in columns:
        return None
    if "event" in columns or not several_events(request):
        return None
    return path


def _filtered_model(model: type, item: Any) -> Any:
    """The model a ``list_filter`` entry (a field or a path to one) chooses rows of, or None."""
    if not isinstance(item, str):
        return None
    try:
        field = get_fields_from_path(model, item)[-1]
    except (FieldDoesNotExist, NotRelationField):
        return None
    forward = bool(field.is_relation) and field.concrete
    return field.related_model if forward else None


def _has_event_key(model: type) -> bool:
    try:
        field = model._meta.get_field("event")  # type: ignore[attr-defined]
    except FieldDoesNotExist:
        return False
    return bool(field.is_relation) and field.concrete and _is_event(field.related_model)


def _is_event(model: Any) -> bool:
    return model is not None and model._meta.label == "event.Event"


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
        context["event_choices"] = event_choices(request)
        return context

    def index(self, request: HttpRequest, extra_context: dict | None = None):
        """Django's index with the apps' figures on top, by event: the contract's
        ``admin_dashboards`` of its ``admin_tiles``."""
        return super().index(
            request, {"dashboards": admin_dashboards(request=request), **(extra_context or {})}
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
