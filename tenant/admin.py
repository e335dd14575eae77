from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError

from midsummer.admin_sites import public_admin_site, tenant_admin_site
from tenant.backends import membership_for_current_tenant
from tenant.forms import MemberInviteForm, MembershipForm
from tenant.lifecycle import tenant_set_state
from tenant.models import (
    Application,
    CustomDomain,
    Domain,
    Membership,
    OutboxMessage,
    Tenant,
    User,
)
from tenant.outbox import outbox_retry
from tenant.roles import Role
from tenant.services import membership_invite


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


class CustomDomainInline(admin.TabularInline):
    model = CustomDomain
    extra = 0
    readonly_fields = ["verification_token", "verified_at"]


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipForm
    extra = 0


@admin.register(Tenant, site=public_admin_site)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["name", "schema_name", "state", "is_sandbox", "last_export_at", "created_at"]
    list_filter = ["state", "is_sandbox"]
    search_fields = ["name", "schema_name", "domains__domain"]
    inlines = [DomainInline, CustomDomainInline, MembershipInline]
    actions = ["reactivate", "archive", "deactivate"]

    def _set_state(self, request, queryset, state: str, verb: str) -> None:
        done = 0
        for tenant in queryset:
            try:
                tenant_set_state(tenant=tenant, state=state)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{tenant}: {' '.join(error.messages)}", messages.ERROR)
        self.message_user(request, f"{done} convention(s) {verb}.", messages.SUCCESS)

    @admin.action(description="Reactivate (serve and accept changes)")
    def reactivate(self, request, queryset) -> None:
        self._set_state(request, queryset, Tenant.State.ACTIVE, "reactivated")

    @admin.action(description="Archive (read-only: pages served, changes refused)")
    def archive(self, request, queryset) -> None:
        self._set_state(request, queryset, Tenant.State.ARCHIVED, "archived")

    @admin.action(description="Deactivate (closed page on every host, data kept)")
    def deactivate(self, request, queryset) -> None:
        self._set_state(request, queryset, Tenant.State.DEACTIVATED, "deactivated")

    def get_readonly_fields(self, request, obj=None):
        # A schema is never renamed from a form: data of a live convention lives under that name.
        return (
            ["schema_name", "is_sandbox", "sandbox_of", "last_export_at", "last_export_file"]
            if obj
            else []
        )


@admin.register(Domain, site=public_admin_site)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "tenant", "is_primary"]
    search_fields = ["domain", "tenant__name"]
    list_select_related = ["tenant"]


@admin.register(CustomDomain, site=public_admin_site)
class CustomDomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "tenant", "verified_at"]
    list_filter = [("verified_at", admin.EmptyFieldListFilter)]
    search_fields = ["domain", "tenant__name"]
    list_select_related = ["tenant"]
    readonly_fields = ["verification_token"]


@admin.register(User, site=public_admin_site)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_superuser", "date_joined"]
    list_filter = ["is_active", "is_superuser"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["full_name"]}),
        ("Platform", {"fields": ["is_active", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ()
    inlines = (MembershipInline,)


@admin.register(Membership, site=public_admin_site)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipForm
    list_display = ["user", "tenant", "is_tenant_superuser", "is_developer", "updated_at"]
    list_filter = ["is_tenant_superuser", "is_developer", "tenant"]
    search_fields = ["user__email", "tenant__name"]
    list_select_related = ["user", "tenant"]
    autocomplete_fields = ["user", "tenant"]


@admin.register(Membership, site=tenant_admin_site)
class MemberAdmin(admin.ModelAdmin):
    """The convention's team, in its own admin: only this tenant's memberships."""

    list_display = [
        "user",
        "full_name",
        "role_names",
        "is_tenant_superuser",
        "is_developer",
        "invitation",
    ]
    list_filter = ["is_tenant_superuser", "is_developer"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]
    readonly_fields = ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(tenant=request.tenant)

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = MembershipForm if obj else MemberInviteForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        return (
            ["user", "roles", *self._flags(request)]
            if obj
            else ["email", "roles", *self._flags(request)]
        )

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj else []

    def _flags(self, request) -> list[str]:
        # Only a tenant superuser hands out superuser or developer rights.
        return ["is_tenant_superuser", "is_developer"] if _is_tenant_superuser(request) else []

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_tenant_superuser and not _is_tenant_superuser(request):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_tenant_superuser and not _is_tenant_superuser(request):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        invited = membership_invite(
            tenant=request.tenant,
            email=form.cleaned_data["email"],
            roles=form.cleaned_data["roles"],
            is_tenant_superuser=form.cleaned_data.get("is_tenant_superuser", False),
            is_developer=form.cleaned_data.get("is_developer", False),
            invited_by=request.user,
        )
        # The admin logs and reports the object it was given; let that be the invited membership.
        obj.pk, obj.user, obj.tenant = invited.pk, invited.user, invited.tenant

    @admin.display(description="Invitation")
    def invitation(self, membership: Membership) -> str:
        return "accepted" if membership.accepted_at else "sent, not yet accepted"

    @admin.display(description="Name")
    def full_name(self, membership: Membership) -> str:
        return membership.user.full_name

    @admin.display(description="Roles")
    def role_names(self, membership: Membership) -> str:
        labels = dict(Role.choices)
        return ", ".join(labels.get(role, role) for role in membership.roles) or "—"


def _is_tenant_superuser(request) -> bool:
    membership = membership_for_current_tenant(request.user)
    return membership is not None and membership.is_tenant_superuser


@admin.register(Application, site=tenant_admin_site)
class ApplicationAdmin(admin.ModelAdmin):
    """Developer tools: this convention's OAuth applications (bots, apps, kiosks)."""

    list_display = ["name", "client_id", "client_type", "authorization_grant_type", "created"]
    search_fields = ["name", "client_id"]
    fields = [
        "name",
        "client_id",
        "client_secret",
        "hash_client_secret",
        "client_type",
        "authorization_grant_type",
        "api_scopes",
        "redirect_uris",
        "post_logout_redirect_uris",
        "allowed_origins",
        "skip_authorization",
        "algorithm",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(tenant=request.tenant)

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.tenant = request.tenant
            obj.user = request.user
        super().save_model(request, obj, form, change)


@admin.register(OutboxMessage, site=public_admin_site)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Tasks that writes queued and no worker has finished yet (tenant/outbox.py): normally
    empty within seconds; what a broker outage or a failing task left owed otherwise. Read
    only; those given up are retried with the action."""

    list_display = ["pk", "task_name", "tenant", "created_at", "attempts", "failed_at"]
    list_filter = [("failed_at", admin.EmptyFieldListFilter), "task_name"]
    readonly_fields = [
        "tenant",
        "task_name",
        "args",
        "created_at",
        "publish_after",
        "attempts",
        "last_error",
        "failed_at",
    ]
    actions = ["retry"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Retry (a fresh set of attempts, published by the next drain)")
    def retry(self, request, queryset) -> None:
        retried = outbox_retry(message_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{retried} given-up message(s) will be retried.")
