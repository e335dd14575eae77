"""The shop's admin: products with pictures, variants and bundle items; quotas with what is
left; orders with refunds line by line, every line as CSV, and sales per product and day.
Thin: the rules are in ``shop.services``, the figures in ``shop.selectors``."""

import datetime as dt

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from event.selectors import active_event
from midsummer.admin_sites import tenant_admin_site
from midsummer.formats import format_money
from register.charts import timeline_chart
from register.selectors import TimelinePoint, registration_settings
from shop import selectors
from shop.models import BundleItem, OrderLine, Product, Quota, ShopOrder, Variant
from shop.services import order_refund, product_save, quota_taken, refundable_pieces
from tenant.exports import csv_writer


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 1


class BundleItemInline(admin.TabularInline):
    model = BundleItem
    fk_name = "bundle"
    extra = 0
    verbose_name_plural = "items in the bundle (each taken from its own stock)"


@admin.register(Product, site=tenant_admin_site)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "per_order_limit", "per_person_limit", "badge_holders_only"]
    filter_horizontal = ["badge_levels"]
    inlines = [VariantInline, BundleItemInline]

    def save_model(self, request, obj, form, change) -> None:
        product_save(product=obj)  # the picture re-encoded (shop/pictures.py)


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
    readonly_fields = ["variant", "quantity", "price", "picked_up", "refunded", "part_of"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


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
        "refunded_total",
        "hold_expires_at",
        "paid_at",
        "account_id",
        "event",
    ]
    exclude = ["pickup_token", "submission"]
    inlines = [OrderLineInline]
    actions = ["refund_in_full"]

    # Orders are placed by buyers and changed by the services (payment, refunds, the desk).
    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        refund = self.admin_site.admin_view(self.refund_view)
        sales = self.admin_site.admin_view(self.sales_view)
        export = self.admin_site.admin_view(self.export_view)
        return [
            path("<int:pk>/refund/", refund, name="shop_shoporder_refund"),
            path("sales/", sales, name="shop_shoporder_sales"),
            path("lines.csv", export, name="shop_shoporder_export"),
            *super().get_urls(),
        ]

    def refund_view(self, request, pk):
        """Refund one line (a bundle with its items) or everything not handed out."""
        order = self.get_object(request, str(pk))
        if order is None or not self.has_change_permission(request, order):
            raise PermissionDenied
        errors: list[str] = []
        status = 200
        if request.method == "POST":
            chosen = request.POST.get("line", "")
            try:
                line_id = None if chosen == "all" else int(chosen)
                before = order.refunded_total
                refunded = order_refund(order_id=order.pk, line_id=line_id, by=request.user)
            except ValueError:
                errors, status = ["Choose a line to refund."], 400
            except ValidationError as error:
                errors, status = error.messages, 400
            else:
                amount = format_money(refunded.refunded_total - before, order.currency)
                self.message_user(request, f"{order.reference}: refunded {amount}.")
                return redirect("admin:shop_shoporder_change", order.pk)
        lines = list(order.lines.select_related("variant__product").order_by("pk"))
        pieces = refundable_pieces(lines)
        context = {
            **self.admin_site.each_context(request),
            "order": order,
            "rows": [
                {
                    "line": line,
                    "refundable": pieces.get(line.pk, 0),
                    "amount": line.price * pieces.get(line.pk, 0),
                }
                for line in lines
            ],
            "errors": errors,
            "title": f"Refund shop order {order.reference}",
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/shop/shoporder/refund.html", context, status=status)

    def sales_view(self, request):
        """Pieces sold per product, added up day by day, and the table behind the chart (the
        shop lead's: the desk sees orders one by one, not the sales)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        event = active_event()
        context = {
            **self.admin_site.each_context(request),
            "title": "Shop sales",
            "opts": self.model._meta,
            "event": event,
        }
        if event is not None:
            rows = selectors.sales_by_day(event=event)
            context |= {
                "rows": rows,
                "currency": registration_settings(event=event).currency,
                "chart": timeline_chart(
                    f"{event.name}: pieces sold",
                    [
                        TimelinePoint(day=day, level=product, registrations=pieces, revenue=money)
                        for day, product, pieces, money in rows
                    ],
                    nonce=getattr(request, "csp_nonce", ""),
                    unit="pieces",
                ),
            }
        return TemplateResponse(request, "admin/shop/shoporder/sales.html", context)

    def export_view(self, request):
        """Every order line of the active event (formula-safe CSV), for the shop lead."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        event = active_event()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="shop-lines.csv"'
        writer = csv_writer(response)
        writer.writerow(
            [
                "order",
                "status",
                "paid at",
                "product",
                "variant",
                "part of",
                "pieces",
                "price each",
                "currency",
                "handed out",
                "refunded",
                "account id",
            ]
        )
        if event is None:
            return response
        for line in selectors.lines_for_export(event=event):
            order = line.order
            writer.writerow(
                [
                    order.reference,
                    order.status,
                    order.paid_at.astimezone(dt.UTC).isoformat() if order.paid_at else "",
                    line.variant.product.name,
                    line.variant.name,
                    line.part_of.variant.product.name if line.part_of else "",
                    line.quantity,
                    line.price,
                    order.currency,
                    line.picked_up,
                    line.refunded,
                    order.account_id,
                ]
            )
        return response

    # The merch desk sees orders (view) but never refunds: only who may change them.
    @admin.action(
        description="Refund in full (what was not handed out goes back in stock)",
        permissions=["change"],
    )
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
