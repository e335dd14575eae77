"""The convention admin's staffing section. Scoped like the pages (``staff.selectors.authority``):
the staffing lead sees every department, a department head only theirs. Writes go through the
same services as the pages (an assignment in the admin runs the sign-up rules)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from event.selectors import active_event
from midsummer.admin_sites import tenant_admin_site
from staff.models import (
    Department,
    DepartmentMember,
    DepartmentRole,
    Job,
    RewardThreshold,
    Shift,
    StaffSettings,
    Volunteer,
)
from staff.selectors import headed_department_ids, is_staffing_lead
from staff.services import job_move, shift_assign, shift_mark, volunteer_accept


def _department_ids(request: HttpRequest) -> set[int] | None:
    """None for the staffing lead (everything), else the departments the user heads (read
    once per request)."""
    if is_staffing_lead(request.user):
        return None
    if not hasattr(request, "_staff_headed"):
        event = active_event()
        headed: set[int] = set()
        if event is not None and request.user.is_authenticated:
            headed = headed_department_ids(event=event, account_id=request.user.pk)
        request._staff_headed = headed  # type: ignore[attr-defined]
    return request._staff_headed  # type: ignore[attr-defined, no-any-return]


class ScopedAdmin(admin.ModelAdmin):
    """A department head may view and change their department's rows; the lead everything.

    The section is listed on the admin's index and sidebar only for the staffing roles
    (``has_module_permission`` stays the platform's, which costs no query): a head opens it
    from the links on their staffing page (``/volunteer/manage/``), so that every other admin
    page keeps its query count."""

    department_path = "department"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        ids = _department_ids(request)
        if ids is None:
            return queryset
        return queryset.filter(**{f"{self.department_path}__in": ids})

    def _is_head(self, request: HttpRequest) -> bool:
        return bool(_department_ids(request))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or self._is_head(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) or self._is_head(request)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        ids = _department_ids(request)
        if db_field.related_model is Department and ids is not None:
            kwargs["queryset"] = Department.objects.filter(pk__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RoleInline(admin.TabularInline):
    model = DepartmentRole
    extra = 0
    filter_horizontal = ["holders"]


class MemberInline(admin.TabularInline):
    model = DepartmentMember
    extra = 0
    autocomplete_fields = ["volunteer"]


@admin.register(Department, site=tenant_admin_site)
class DepartmentAdmin(ScopedAdmin):
    department_path = "pk"
    list_display = ["name", "parent", "event", "max_consecutive_hours"]
    list_filter = ["event"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MemberInline, RoleInline]


@admin.register(Job, site=tenant_admin_site)
class JobAdmin(ScopedAdmin):
    list_display = ["name", "department", "start", "end", "places", "weight", "visibility"]
    list_filter = ["department", "visibility"]
    filter_horizontal = ["required_roles"]

    def save_model(self, request: HttpRequest, obj: Job, form: Any, change: bool) -> None:
        if change and {"start", "end"} & set(form.changed_data):
            super().save_model(request, obj, form, change)
            job_move(job_id=obj.pk, start=obj.start, end=obj.end)  # mails the holders
            return
        super().save_model(request, obj, form, change)


@admin.action(description="Mark worked")
def mark_worked(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Shift]) -> None:
    for shift in queryset:
        shift_mark(shift_id=shift.pk, status=Shift.Status.WORKED)


@admin.action(description="Mark no-show")
def mark_no_show(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Shift]) -> None:
    for shift in queryset:
        shift_mark(shift_id=shift.pk, status=Shift.Status.NO_SHOW)


@admin.register(Shift, site=tenant_admin_site)
class ShiftAdmin(ScopedAdmin):
    department_path = "job__department"
    list_display = ["volunteer", "job", "status", "clock_in", "clock_out"]
    list_filter = ["status", "job__department"]
    list_select_related = ["volunteer", "job"]
    autocomplete_fields = ["volunteer"]
    raw_id_fields = ["job"]
    actions = [mark_worked, mark_no_show]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) or self._is_head(request)

    def save_model(self, request: HttpRequest, obj: Shift, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        ids = _department_ids(request)
        if ids is not None and obj.job.department_id not in ids:
            messages.error(request, "That job is not in one of your departments.")
            return
        try:  # an assignment runs every sign-up rule (bar members-only)
            shift = shift_assign(job_id=obj.job_id, volunteer_id=obj.volunteer_id)
        except ValidationError as error:
            messages.error(request, error.message)
            return
        obj.pk = shift.pk


@admin.action(description="Accept into the departments they are interested in")
def accept_into_interests(
    modeladmin: Any, request: HttpRequest, queryset: QuerySet[Volunteer]
) -> None:
    ids = _department_ids(request)
    for volunteer in queryset.prefetch_related("interests"):
        for department in volunteer.interests.all():
            if ids is None or department.pk in ids:
                volunteer_accept(volunteer_id=volunteer.pk, department=department)


@admin.register(Volunteer, site=tenant_admin_site)
class VolunteerAdmin(ScopedAdmin):
    department_path = "memberships__department"
    list_display = ["name", "kind", "status", "shirt_size", "event"]
    list_filter = ["status", "kind", "event"]
    search_fields = ["name"]
    exclude = ["feed_salt", "feed_lookup"]
    actions = [accept_into_interests]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = admin.ModelAdmin.get_queryset(self, request)
        ids = _department_ids(request)
        if ids is None:
            return queryset
        # A head sees their members and the applicants interested in their departments.
        return (
            queryset.filter(memberships__department__in=ids)
            | queryset.filter(interests__in=ids, status=Volunteer.Status.APPLIED)
        ).distinct()


@admin.register(RewardThreshold, site=tenant_admin_site)
class RewardThresholdAdmin(admin.ModelAdmin):
    list_display = ["name", "hours", "event"]


@admin.register(StaffSettings, site=tenant_admin_site)
class StaffSettingsAdmin(admin.ModelAdmin):
    list_display = ["event", "drop_cutoff_hours"]
