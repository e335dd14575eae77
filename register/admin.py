from django.contrib import admin

from midsummer.admin_sites import tenant_admin_site
from register.models import (
    AddOn,
    BadgeLevel,
    DiscountCode,
    Order,
    OrderStatusChange,
    PriceTier,
    Question,
    Registration,
    RegistrationSettings,
)


class PriceTierInline(admin.TabularInline):
    model = PriceTier
    extra = 0


@admin.register(BadgeLevel, site=tenant_admin_site)
class BadgeLevelAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "price", "capacity", "age_rule", "is_hidden", "sort_order"]
    list_filter = ["event", "is_hidden", "age_rule"]
    search_fields = ["name"]
    inlines = [PriceTierInline]


@admin.register(AddOn, site=tenant_admin_site)
class AddOnAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "price", "capacity"]
    list_filter = ["event"]


@admin.register(DiscountCode, site=tenant_admin_site)
class DiscountCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "event", "kind", "amount", "max_uses", "valid_from", "valid_until"]
    list_filter = ["event", "kind"]
    search_fields = ["code"]
    filter_horizontal = ["levels", "unlocks"]


@admin.register(Question, site=tenant_admin_site)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["label", "event", "kind", "is_required", "sort_order"]
    list_filter = ["event", "kind"]


@admin.register(RegistrationSettings, site=tenant_admin_site)
class RegistrationSettingsAdmin(admin.ModelAdmin):
    list_display = ["event", "currency", "hold_minutes", "badge_name_edit_until"]


class RegistrationInline(admin.StackedInline):
    model = Registration
    extra = 0
    can_delete = False
    readonly_fields = ["level", "price", "discount", "badge_number", "checkin_token"]
    exclude = ["event"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class StatusChangeInline(admin.TabularInline):
    model = OrderStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["at", "from_status", "to_status", "changed_by", "note"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Order, site=tenant_admin_site)
class OrderAdmin(admin.ModelAdmin):
    """Orders are placed and paid through the services; money fields are never edited here."""

    list_display = ["reference", "account", "status", "provider", "total", "created_at"]
    list_filter = ["status", "provider", "event"]
    search_fields = ["reference", "registrations__legal_name", "registrations__email"]
    list_select_related = ["account"]
    readonly_fields = [
        "event", "reference", "account", "status", "provider", "currency", "subtotal",
        "discount_total", "total", "refunded_total", "discount_code", "hold_expires_at",
        "created_at", "paid_at",
    ]  # fmt: skip
    inlines = [RegistrationInline, StatusChangeInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
