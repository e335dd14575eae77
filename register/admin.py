import datetime as dt
from dataclasses import astuple
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin

from event.selectors import active_event, minor_cutoff
from midsummer.admin_sites import tenant_admin_site
from midsummer.formats import format_money
from register.charts import timeline_chart
from register.models import (
    AddOn,
    BadgeLevel,
    BanEntry,
    DiscountCode,
    Order,
    OrderStatusChange,
    PriceTier,
    Question,
    Registration,
    RegistrationSettings,
    WaitlistEntry,
)
from register.selectors import registration_settings
from register.selectors.reports import (
    REGISTRATION_EXPORT_COLUMNS,
    TimelinePoint,
    add_on_pick_list,
    add_on_pick_list_people,
    add_ons_text,
    money_columns,
    previous_event,
    registration_export_rows,
    registration_timeline_compared,
    report_discount_usage,
    report_totals,
    report_waitlist,
)
from register.services import (
    PersonInput,
    badge_level_save,
    ban_entry_errors,
    ban_entry_save,
    order_cancel,
    order_mark_paid,
    order_refund,
    order_resend_confirmation,
    order_review_approve,
    registration_details_correct,
    registration_details_errors,
    registrations_anonymize,
)
from register.services.inputs import PERSON_FIELDS
from tenant.exports import csv_writer


class PriceTierInline(admin.TabularInline):
    model = PriceTier
    extra = 0


@admin.register(BadgeLevel, site=tenant_admin_site)
class BadgeLevelAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "price", "capacity", "age_rule", "is_hidden", "sort_order"]
    list_filter = ["event", "is_hidden", "age_rule"]
    search_fields = ["name"]
    inlines = [PriceTierInline]

    def save_model(self, request, obj, form, change):
        badge_level_save(level=obj)  # more places are offered to the waiting lists


@admin.register(WaitlistEntry, site=tenant_admin_site)
class WaitlistEntryAdmin(admin.ModelAdmin):
    """Who waits for which sold-out level, in order; offers are sent automatically."""

    list_display = ["email", "level", "status", "created_at", "offer_expires_at"]
    list_filter = ["level", "status"]
    search_fields = ["email"]
    readonly_fields = [
        "level",
        "account",
        "email",
        "status",
        "created_at",
        "offered_at",
        "offer_expires_at",
        "order",
    ]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(AddOn, site=tenant_admin_site)
class AddOnAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "price", "capacity"]
    list_filter = ["event"]


@admin.register(DiscountCode, site=tenant_admin_site)
class DiscountCodeAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "event",
        "kind",
        "amount",
        "max_uses",
        "valid_from",
        "valid_until",
        "origin",
        "for_email",
    ]
    list_filter = ["event", "kind", "origin"]
    search_fields = ["code", "for_email"]
    filter_horizontal = ["levels", "unlocks"]
    readonly_fields = ["origin", "source_order"]


@admin.register(Question, site=tenant_admin_site)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["label", "event", "kind", "is_required", "sort_order"]
    list_filter = ["event", "kind"]


@admin.register(RegistrationSettings, site=tenant_admin_site)
class RegistrationSettingsAdmin(SimpleHistoryAdmin):
    list_display = [
        "event",
        "currency",
        "hold_minutes",
        "badge_name_edit_until",
        "self_cancel_until",
    ]


class BanEntryForm(forms.ModelForm):
    class Meta:
        model = BanEntry
        fields = ["name", "email", "birthdate", "reason"]

    def clean(self):
        cleaned = super().clean()
        for field, message in ban_entry_errors(
            name=self.cleaned_data.get("name") or "", email=self.cleaned_data.get("email") or ""
        ).items():
            self.add_error(field, message)
        return cleaned


@admin.register(BanEntry, site=tenant_admin_site)
class BanEntryAdmin(SimpleHistoryAdmin):
    """People this convention does not admit; matching orders wait in *Orders → Held for review*."""

    form = BanEntryForm
    list_display = ["name", "email", "birthdate", "created_at"]
    search_fields = ["name", "email"]

    def save_model(self, request, obj, form, change):
        ban_entry_save(entry=obj, by=request.user)  # with the keys it is matched by


class RegistrationInline(admin.StackedInline):
    """The order's badges, read-only here: details are corrected on each registration's own
    page, where the public form's rules apply."""

    model = Registration
    extra = 0
    can_delete = False
    show_change_link = True
    exclude = ["event", "checkin_token"]
    readonly_fields = ["add_ons_bought"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("add_ons__add_on")

    @admin.display(description="Add-ons")
    def add_ons_bought(self, obj: Registration) -> str:
        return add_ons_text(obj) or "—"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class StatusChangeInline(admin.TabularInline):
    model = OrderStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["at", "from_status", "to_status", "changed_by", "note"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class AgeBandFilter(admin.SimpleListFilter):
    title = "age"
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return [("minor", "Has minors"), ("adult", "Adults only")]

    def queryset(self, request, queryset):
        event = active_event()
        if self.value() is None or event is None:
            return queryset
        with_minors = queryset.filter(registrations__birthdate__gt=minor_cutoff(event))
        if self.value() == "minor":
            return with_minors.distinct()
        return queryset.exclude(pk__in=with_minors.values("pk"))


class RefundForm(forms.Form):
    amount = forms.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    note = forms.CharField(max_length=150, required=False)


@admin.register(Order, site=tenant_admin_site)
class OrderAdmin(SimpleHistoryAdmin):
    """Orders are placed and paid through the services; money fields are never edited here.
    *History* shows the audit trail: who changed what, when."""

    list_display = ["reference", "account", "status", "provider", "total", "created_at"]
    list_filter = ["status", "provider", "registrations__level", AgeBandFilter, "event"]
    actions = [
        "mark_paid_at_door",
        "approve_held",
        "refund_in_full",
        "cancel_unpaid",
        "resend_confirmation",
        "export_csv",
    ]
    search_fields = ["reference", "registrations__legal_name", "registrations__email"]
    list_select_related = ["account"]
    readonly_fields = [
        "event",
        "reference",
        "account",
        "status",
        "provider",
        "currency",
        "subtotal",
        "discount_total",
        "total",
        "refunded_total",
        "discount_code",
        "hold_expires_at",
        "created_at",
        "paid_at",
    ]
    inlines = [RegistrationInline, StatusChangeInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        refund = self.admin_site.admin_view(self.refund_view)
        reports = self.admin_site.admin_view(self.reports_view)
        report_csv = self.admin_site.admin_view(self.report_csv_view)
        return [
            path("<int:pk>/refund/", refund, name="register_order_refund"),
            path("reports/", reports, name="register_order_reports"),
            path("reports/<str:name>.csv", report_csv, name="register_order_report_csv"),
            *super().get_urls(),
        ]

    def refund_view(self, request, pk):
        """A full or partial refund of one order, with its amount and a note."""
        order = self.get_object(request, str(pk))
        if order is None or not self.has_change_permission(request, order):
            raise PermissionDenied
        form = RefundForm(
            request.POST or None, initial={"amount": order.total - order.refunded_total}
        )
        if request.method == "POST" and form.is_valid():
            try:
                order_refund(
                    order_id=order.pk,
                    amount=form.cleaned_data["amount"],
                    by=request.user,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                form.add_error("amount", error.messages)
            else:
                self.message_user(
                    request,
                    f"Refunded {format_money(form.cleaned_data['amount'], order.currency)}.",
                )
                return redirect("admin:register_order_change", order.pk)
        context = {
            **self.admin_site.each_context(request),
            "order": order,
            "form": form,
            "title": f"Refund order {order.reference}",
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/register/order_refund.html", context)

    # --- Reports ---------------------------------------------------------------------------

    REPORTS = {
        "timeline": ["event", "days_before_opening", "level", "registrations", "revenue"],
        "totals": ["level", "status", "age_band", "registrations", "value"],
        "discount-codes": ["code", "paid_orders", "discounted_badges", "discount_total"],
        "waiting-list": ["level", "waiting", "offered"],
        "pick-list": ["add_on", "option", "count"],
        "pick-list-people": [
            "add_on",
            "option",
            "badge_number",
            "badge_name",
            "legal_name",
            "order",
        ],
    }

    def _report_rows(self, event, name: str) -> list:
        if name == "timeline":
            return registration_timeline_compared(event=event)
        if name == "totals":
            return report_totals(event=event)
        if name == "discount-codes":
            return report_discount_usage(event=event)
        if name == "pick-list":
            return add_on_pick_list(event=event)
        if name == "pick-list-people":
            return add_on_pick_list_people(event=event)
        return report_waitlist(event=event)

    def reports_view(self, request):
        """Registrations and revenue over time against the previous event, totals by level,
        status and age band, discount-code usage and waiting lists; each as CSV too."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        event = active_event()
        context = {
            **self.admin_site.each_context(request),
            "title": "Registration reports",
            "opts": self.model._meta,
            "event": event,
        }
        if event is not None:
            compared = registration_timeline_compared(event=event)
            previous = previous_event(event=event)
            context |= {
                "previous": previous,
                "chart": timeline_chart(
                    f"{event.name} vs. {previous.name}" if previous else event.name,
                    [
                        TimelinePoint(
                            day=event.start_date + dt.timedelta(days=p.days_before_opening),
                            level=f"{p.level} ({p.event})",
                            registrations=p.registrations,
                            revenue=p.revenue,
                        )
                        for p in compared
                    ],
                    nonce=getattr(request, "csp_nonce", ""),
                ),
                "reports": {
                    name: (
                        money_columns(columns, registration_settings(event=event).currency),
                        [astuple(row) for row in self._report_rows(event, name)],
                    )
                    for name, columns in self.REPORTS.items()
                },
            }
        return TemplateResponse(request, "admin/register/reports.html", context)

    def report_csv_view(self, request, name: str):
        if not self.has_view_permission(request):
            raise PermissionDenied
        event = active_event()
        if event is None or name not in self.REPORTS:
            raise Http404("No such report.")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        writer = csv_writer(response)
        writer.writerow(
            money_columns(self.REPORTS[name], registration_settings(event=event).currency)
        )
        writer.writerows(astuple(row) for row in self._report_rows(event, name))
        return response

    def _each(self, request, queryset, service, done: str) -> None:
        failed = []
        for order in queryset:
            try:
                service(order)
            except ValidationError as error:
                failed.extend(error.messages)
        self.message_user(request, f"{queryset.count() - len(failed)} order(s) {done}.")
        for message in failed:
            self.message_user(request, message, level=messages.WARNING)

    @admin.action(description="Mark paid at the door (cash or card at the desk)")
    def mark_paid_at_door(self, request, queryset):
        door_orders = queryset.filter(provider=Order.Provider.DOOR)
        self._each(
            request,
            door_orders,
            lambda o: order_mark_paid(
                order_id=o.pk, amount=o.total, by=request.user, note="paid at the door"
            ),
            "paid",
        )

    @admin.action(description="Approve selected orders held for review")
    def approve_held(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda o: order_review_approve(order_id=o.pk, by=request.user),
            "approved",
        )

    @admin.action(description="Refund selected paid orders in full")
    def refund_in_full(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda o: order_refund(
                order_id=o.pk, amount=o.total - o.refunded_total, by=request.user
            ),
            "refunded",
        )

    @admin.action(description="Cancel selected unpaid orders")
    def cancel_unpaid(self, request, queryset):
        self._each(
            request, queryset, lambda o: order_cancel(order_id=o.pk, by=request.user), "cancelled"
        )

    @admin.action(description="Resend confirmation mails")
    def resend_confirmation(self, request, queryset):
        self._each(request, queryset, lambda o: order_resend_confirmation(order=o), "queued")

    @admin.action(description="Export registrations as CSV")
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="registrations.csv"'
        writer = csv_writer(response)
        event = active_event()
        currency = registration_settings(event=event).currency if event else ""
        writer.writerow(
            money_columns(REGISTRATION_EXPORT_COLUMNS, currency)
            if currency
            else REGISTRATION_EXPORT_COLUMNS
        )
        writer.writerows(registration_export_rows(orders=queryset))
        return response


class RegistrationForm(forms.ModelForm):
    """An attendee's details, checked by the public form's rules (age, guardian, badge name,
    ban list) next to their fields."""

    class Meta:
        model = Registration
        fields = list(PERSON_FIELDS)

    def person(self) -> PersonInput:
        return PersonInput(**{name: self.cleaned_data[name] for name in PERSON_FIELDS})

    def clean(self):
        cleaned = super().clean()
        if not self.errors:  # the instance still holds the details as they were
            errors = registration_details_errors(registration=self.instance, person=self.person())
            for field, message in errors.items():
                self.add_error(None if field not in self.fields else field, message)
        return cleaned


@admin.register(Registration, site=tenant_admin_site)
class RegistrationAdmin(SimpleHistoryAdmin):
    """One badge: attendee details may be corrected here, under the rules of the public form;
    *History* shows every change."""

    form = RegistrationForm
    list_display = ["badge_name", "legal_name", "level", "badge_number", "order"]
    search_fields = ["legal_name", "badge_name", "email", "order__reference"]
    list_select_related = ["level", "order"]
    readonly_fields = [
        "order",
        "event",
        "level",
        "price",
        "discount",
        "add_ons_bought",
        "badge_number",
        "holder",
        "needs_holder",
        "anonymized_at",
    ]
    list_filter = ["level", "order__status", ("anonymized_at", admin.EmptyFieldListFilter)]
    actions = ["anonymize"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("add_ons__add_on")

    @admin.display(description="Add-ons")
    def add_ons_bought(self, obj: Registration) -> str:
        return add_ons_text(obj) or "—"

    def save_model(self, request, obj, form, change):
        registration_details_correct(registration_id=obj.pk, person=form.person(), by=request.user)

    @admin.action(description="Anonymize selected registrations (keeps counts and revenue)")
    def anonymize(self, request, queryset):
        count = registrations_anonymize(
            registration_ids=list(queryset.values_list("pk", flat=True)), by=request.user
        )
        self.message_user(request, f"{count} registration(s) anonymized.")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
