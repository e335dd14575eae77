from django.contrib import admin

from event.models import BadgeNumberRange, Event, EventDay
from event.services import event_delete, event_save
from midsummer.admin_sites import tenant_admin_site


class EventDayInline(admin.TabularInline):
    model = EventDay
    extra = 0
    can_delete = False
    fields = ("number", "date")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class BadgeNumberRangeInline(admin.TabularInline):
    model = BadgeNumberRange
    extra = 0


@admin.register(Event, site=tenant_admin_site)
class EventAdmin(admin.ModelAdmin):
    list_display = ["name", "start_date", "end_date", "timezone", "venue_name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug", "venue_name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["minor_cutoff_date"]
    inlines = [BadgeNumberRangeInline, EventDayInline]

    def save_model(self, request, obj, form, change) -> None:
        event_save(event=obj)

    def delete_model(self, request, obj) -> None:
        event_delete(event=obj)

    def delete_queryset(self, request, queryset) -> None:
        for event in queryset:
            event_delete(event=event)


@admin.register(BadgeNumberRange, site=tenant_admin_site)
class BadgeNumberRangeAdmin(admin.ModelAdmin):
    """Reserved badge-number blocks, editable by the registration lead without the event."""

    list_display = ["event", "kind", "first_number", "last_number"]
    list_filter = ["event", "kind"]
