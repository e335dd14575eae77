"""The convention's webhooks and their delivery log, for its developers and org admins."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from api.models import Webhook, WebhookAttempt, WebhookDelivery
from api.webhooks import (
    PING,
    webhook_delivery_retry,
    webhook_events_clean,
    webhook_ping,
    webhook_url_clean,
)
from midsummer.admin_sites import tenant_admin_site
from tenant.signals import INTEGRATION_EVENTS


class WebhookForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=list(INTEGRATION_EVENTS.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Webhook
        fields = ["url", "description", "events", "is_active"]

    def clean_events(self) -> list[str]:
        return webhook_events_clean(self.cleaned_data["events"])

    def clean_url(self) -> str:
        return webhook_url_clean(self.cleaned_data["url"])


class RecentDeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    fields = readonly_fields = ("kind", "status", "attempts", "created_at", "delivered_at")
    verbose_name_plural = _("Recent deliveries")

    def get_queryset(self, request: HttpRequest) -> QuerySet[WebhookDelivery]:
        recent = super().get_queryset(request).order_by("-pk")
        ids = list(recent.values_list("pk", flat=True)[:20])
        return recent.filter(pk__in=ids)


@admin.register(Webhook, site=tenant_admin_site)
class WebhookAdmin(admin.ModelAdmin):
    form = WebhookForm
    list_display = ["__str__", "url", "subscribed", "is_active"]
    readonly_fields = ["secret"]
    inlines = [RecentDeliveryInline]
    actions = ["send_ping"]

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return self.inlines if obj else []  # nothing delivered before it exists

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["url", "description", "events", "is_active", *(["secret"] if obj else [])]

    @admin.display(description=_("Events"))
    def subscribed(self, obj: Webhook) -> str:
        return ", ".join(obj.events)

    @admin.action(description=_("Send a test event (%(kind)s)") % {"kind": PING})
    def send_ping(self, request: HttpRequest, queryset: QuerySet[Webhook]) -> None:
        for webhook in queryset:
            webhook_ping(webhook=webhook)
        self.message_user(
            request,
            ngettext(
                "A test event is on its way; its delivery shows below the webhook.",
                "%(count)d test events are on their way; each shows below its webhook.",
                len(queryset),
            )
            % {"count": len(queryset)},
            messages.SUCCESS,
        )


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    max_num = 0
    can_delete = False
    fields = readonly_fields = ("at", "status_code", "duration_ms", "error", "response")


@admin.register(WebhookDelivery, site=tenant_admin_site)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["kind", "webhook", "status", "attempts", "created_at", "next_attempt_at"]
    list_filter = ["status", "kind", "webhook"]
    list_select_related = ["webhook"]
    fields = readonly_fields = (
        "webhook",
        "uuid",
        "kind",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "delivered_at",
        "payload",
    )
    inlines = [AttemptInline]
    actions = ["retry_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Retry now"), permissions=["change"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        undelivered = queryset.exclude(status=WebhookDelivery.Status.DELIVERED)
        ids = list(undelivered.values_list("pk", flat=True))
        for delivery_id in ids:
            webhook_delivery_retry(delivery_id=delivery_id)
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery is sent again.",
                "%(count)d deliveries are sent again.",
                len(ids),
            )
            % {"count": len(ids)},
            messages.SUCCESS,
        )
