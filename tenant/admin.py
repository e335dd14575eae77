from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from midsummer.admin_sites import public_admin_site
from tenant.models import CustomDomain, Domain, Membership, Tenant, User


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


class CustomDomainInline(admin.TabularInline):
    model = CustomDomain
    extra = 0
    readonly_fields = ["verification_token", "verified_at"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Tenant, site=public_admin_site)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["name", "schema_name", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "schema_name", "domains__domain"]
    inlines = [DomainInline, CustomDomainInline, MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        # A schema is never renamed from a form: data of a live convention lives under that name.
        return ["schema_name"] if obj else []


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
    filter_horizontal: list[str] = []
    inlines = [MembershipInline]


@admin.register(Membership, site=public_admin_site)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "tenant", "is_tenant_superuser", "is_developer", "updated_at"]
    list_filter = ["is_tenant_superuser", "is_developer", "tenant"]
    search_fields = ["user__email", "tenant__name"]
    list_select_related = ["user", "tenant"]
    autocomplete_fields = ["user", "tenant"]
