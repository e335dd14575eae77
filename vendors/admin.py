from django.contrib import admin

from event.models import BadgeNumberRange
from midsummer.admin_sites import tenant_admin_site
from register.models import BadgeLevel
from vendors.models import (
    Application,
    DealerBadge,
    Extra,
    HallTable,
    Photo,
    Review,
    TableType,
    VendorSettings,
)


@admin.register(VendorSettings, site=tenant_admin_site)
class VendorSettingsAdmin(admin.ModelAdmin):
    list_display = ["event", "hall_tables", "max_tables_per_dealer", "opens_at", "closes_at"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "badge_level":
            kwargs["queryset"] = BadgeLevel.objects.filter(badge_kind=BadgeNumberRange.Kind.DEALER)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Extra, site=tenant_admin_site)
class ExtraAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "price"]


@admin.register(TableType, site=tenant_admin_site)
class TableTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "price", "hall_tables"]


class PhotoInline(admin.TabularInline):
    model = Photo
    extra = 0
    fields = ["image", "width", "height"]
    readonly_fields = ["image", "width", "height"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # the dealer adds them on their page, where they are re-encoded


class BadgeInline(admin.TabularInline):
    model = DealerBadge
    extra = 0
    fields = ["registration", "created_at"]
    readonly_fields = ["registration", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class HallSeatInline(admin.TabularInline):
    model = HallTable
    fk_name = "application"
    extra = 0
    fields = ["label"]
    readonly_fields = ["label"]
    can_delete = False
    verbose_name_plural = "tables (placed on the hall page)"

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ReviewInline(admin.TabularInline):
    model = Review
    extra = 0
    readonly_fields = ["reviewer_id", "score", "note", "created_at"]
    can_delete = False


@admin.register(Application, site=tenant_admin_site)
class ApplicationAdmin(admin.ModelAdmin):
    """Read-only: decisions, cancellations and placing go through the pages (the state machine
    and the hall's lock); here the lead looks things up."""

    list_display = ["business_name", "status", "tables", "table_type", "total", "table_numbers"]
    list_filter = ["status", "table_type"]
    search_fields = ["business_name", "contact_name", "reference"]
    fields = [
        "business_name",
        "contact_name",
        "website",
        "wares",
        "categories",
        "table_type",
        "tables",
        "partners",
        "seat_near",
        "seat_far",
        "seating",
        "tax_id",
        "status",
        "reference",
        "total",
        "refunded_total",
        "due_at",
        "reminded_at",
        "paid_at",
        "table_numbers",
    ]
    readonly_fields = [
        "business_name",
        "contact_name",
        "website",
        "wares",
        "categories",
        "table_type",
        "tables",
        "partners",
        "seat_near",
        "seat_far",
        "seating",
        "tax_id",
        "status",
        "reference",
        "total",
        "refunded_total",
        "due_at",
        "reminded_at",
        "paid_at",
        "table_numbers",
    ]
    inlines = [ReviewInline, PhotoInline, BadgeInline, HallSeatInline]
