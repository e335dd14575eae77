"""The convention admin's door section: devices (enrol an OAuth client as a scanner), level
badge layouts, notes for the desk, and the check-ins and print jobs on record (read only:
the desk's pages and the services write them)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from kiosk.models import BadgeLayout, CheckIn, Device, DoorNote, PrintJob
from midsummer.admin_sites import tenant_admin_site
from tenant.current import current_tenant_id
from tenant.models import Application


class DeviceForm(forms.ModelForm):
    class Meta:
        model = Device
        fields = ["name", "application_id", "is_active"]
        help_texts = {
            "application_id": "The id of one of this convention's OAuth applications "
            "(client credentials), from Developer tools."
        }

    def clean_application_id(self) -> int | None:
        application_id = self.cleaned_data.get("application_id")
        if application_id is not None and not (
            Application.objects.filter(pk=application_id, tenant_id=current_tenant_id()).exists()
        ):
            raise forms.ValidationError("This convention has no OAuth application with this id.")
        return application_id


@admin.register(Device, site=tenant_admin_site)
class DeviceAdmin(admin.ModelAdmin):
    form = DeviceForm
    list_display = ["name", "application_id", "is_active", "created_at"]


@admin.register(BadgeLayout, site=tenant_admin_site)
class BadgeLayoutAdmin(admin.ModelAdmin):
    list_display = ["level", "colour", "ribbon"]


@admin.register(DoorNote, site=tenant_admin_site)
class DoorNoteAdmin(admin.ModelAdmin):
    list_display = ["registration", "text"]
    raw_id_fields = ["registration"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CheckIn, site=tenant_admin_site)
class CheckInAdmin(ReadOnlyAdmin):
    list_display = ["registration", "kind", "source", "desk", "scanned_at", "undone_at"]
    list_filter = ["kind", "source", "desk"]
    list_select_related = ["registration"]


@admin.register(PrintJob, site=tenant_admin_site)
class PrintJobAdmin(ReadOnlyAdmin):
    list_display = ["registration", "status", "station", "reason", "created_at", "printed_at"]
    list_filter = ["status"]
    list_select_related = ["registration"]
