from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from midsummer.admin_sites import tenant_admin_site
from shop.models import OrderLine, Product, Quota, ShopOrder, Variant
from shop.services import order_refund, quota_taken


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 1


@admin.register(Product, site=tenant_admin_site)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "per_order_limit", "per_person_limit", "badge_holders_only"]
    inlines = [VariantInline]


@admin.register(Quota, site=tenant_admin_site)
class QuotaAdmin(admin.ModelAdmin):
    list_display = ["name", "size", "left", "low"]
    filter_horizontal = ["variants"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        self._taken = quota_taken(list(queryset.values_list("pk", flat=True)), now=timezone.now())
        return queryset

    @admin.display(description="left")
    def left(self, quota: Quota) -> int:
        return max(quota.size - self._taken.get(quota.pk, 0), 0)

    @admin.display(description="low stock", boolean=True)
    def low(self, quota: Quota) -> bool:
        return self.left(quota) < quota.low_stock


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    readonly_fields = ["variant", "quantity", "price", "picked_up", "refunded"]
    can_delete = False


@admin.register(ShopOrder, site=tenant_admin_site)
class ShopOrderAdmin(admin.ModelAdmin):
    list_display = ["reference", "status", "total", "provider", "created_at"]
    list_filter = ["status", "provider"]
    search_fields = ["reference"]
    readonly_fields = [
        "reference",
        "status",
        "provider",
        "provider_reference",
        "currency",
        "total",
        "hold_expires_at",
        "paid_at",
        "account_id",
        "event",
    ]
    exclude = ["pickup_token", "submission"]
    inlines = [OrderLineInline]
    actions = ["refund_in_full"]

    @admin.action(description="Refund in full (what was not handed out goes back in stock)")
    def refund_in_full(self, request, queryset):
        for order in queryset:
            try:
                order_refund(order_id=order.pk, by=request.user)
            except ValidationError as error:
                self.message_user(
                    request, f"{order.reference}: {' '.join(error.messages)}", messages.ERROR
                )
            else:
                self.message_user(request, f"{order.reference} refunded.", messages.SUCCESS)
