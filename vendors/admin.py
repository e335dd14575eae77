from django.contrib import admin

from midsummer.admin_sites import tenant_admin_site
from vendors.models import Application, Review, TableType, VendorSettings


@admin.register(VendorSettings, site=tenant_admin_site)
class VendorSettingsAdmin(admin.ModelAdmin):
    list_display = ["event", "hall_tables", "max_tables_per_dealer", "opens_at", "closes_at"]


@admin.register(TableType, site=tenant_admin_site)
class TableTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "price", "hall_tables"]


class ReviewInline(admin.TabularInline):
    model = Review
    extra = 0
    readonly_fields = ["reviewer_id", "score", "note", "created_at"]
    can_delete = False


@admin.register(Application, site=tenant_admin_site)
class ApplicationAdmin(admin.ModelAdmin):
    """Decisions and payment go through the pages (the state machine and the hall's lock);
    here the lead places paid dealers on tables."""

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
        "seating",
        "tax_id",
        "status",
        "reference",
        "total",
        "due_at",
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
        "seating",
        "tax_id",
        "status",
        "reference",
        "total",
        "due_at",
        "paid_at",
    ]
    inlines = [ReviewInline]
