"""The convention admin's schedule section: rooms and tracks, and the submissions with the same
decision service as the programming pages (planning and releases live on those pages)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from midsummer.admin_sites import tenant_admin_site
from schedule.models import (
    Panelist,
    Release,
    Room,
    RoomAvailability,
    Speaker,
    Submission,
    SubmissionAvailability,
    Track,
)
from schedule.services import submission_decide


class RoomAvailabilityInline(admin.TabularInline):
    model = RoomAvailability
    extra = 0


@admin.register(Room, site=tenant_admin_site)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "capacity", "area", "position"]
    list_filter = ["event"]
    inlines = [RoomAvailabilityInline]
    readonly_fields = ["guid"]


@admin.register(Track, site=tenant_admin_site)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "colour"]
    list_filter = ["event"]
    prepopulated_fields = {"slug": ["name"]}


class PanelistInline(admin.TabularInline):
    model = Panelist
    extra = 0
    can_delete = False
    fields = ["speaker", "is_submitter", "status", "attendance_confirmed_at"]
    readonly_fields = ["speaker", "is_submitter", "status", "attendance_confirmed_at"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class AvailabilityInline(admin.TabularInline):
    model = SubmissionAvailability
    extra = 0


@admin.register(Submission, site=tenant_admin_site)
class SubmissionAdmin(admin.ModelAdmin):
    """Decisions go through ``submission_decide`` (as on the programming page): a session that
    is no longer accepted leaves the work-in-progress schedule."""

    list_display = ["title", "event", "status", "format", "track", "duration"]
    list_filter = ["event", "status", "format", "track", "content_rating"]
    search_fields = ["title", "code", "panelists__speaker__name"]
    readonly_fields = ["code", "guid", "status", "submitted_by_id", "decided_at"]
    inlines = [PanelistInline, AvailabilityInline]
    actions = ["accept", "waitlist", "decline"]

    def _decide(self, request: HttpRequest, queryset: QuerySet[Submission], status: str) -> None:
        done = 0
        for submission in queryset:
            try:
                submission_decide(submission_id=submission.pk, status=status)
                done += 1
            except ValidationError as error:
                self.message_user(
                    request, f"{submission}: {' '.join(error.messages)}", messages.ERROR
                )
        self.message_user(request, f"{done} submission(s) now {status}.")

    @admin.action(description="Accept selected submissions", permissions=["change"])
    def accept(self, request: HttpRequest, queryset: QuerySet[Submission]) -> None:
        self._decide(request, queryset, Submission.Status.ACCEPTED)

    @admin.action(description="Waitlist selected submissions", permissions=["change"])
    def waitlist(self, request: HttpRequest, queryset: QuerySet[Submission]) -> None:
        self._decide(request, queryset, Submission.Status.WAITLISTED)

    @admin.action(description="Decline selected submissions", permissions=["change"])
    def decline(self, request: HttpRequest, queryset: QuerySet[Submission]) -> None:
        self._decide(request, queryset, Submission.Status.DECLINED)


@admin.register(Speaker, site=tenant_admin_site)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "event"]
    search_fields = ["name", "email"]
    readonly_fields = ["code", "guid", "account_id"]


@admin.register(Release, site=tenant_admin_site)
class ReleaseAdmin(admin.ModelAdmin):
    """Read-only: versions are made on the release page (``release_create``)."""

    list_display = ["version", "event", "released_at", "comment"]
    readonly_fields = ["event", "version", "released_at", "released_by_id", "comment", "changelog"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
