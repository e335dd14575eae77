from django.contrib import admin

from front.models import Page, SiteBranding
from front.services import branding_save
from midsummer.admin_sites import tenant_admin_site


@admin.register(SiteBranding, site=tenant_admin_site)
class SiteBrandingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "brand_colour", "brand_text_colour", "updated_at"]
    fields = ["logo", "brand_colour", "brand_text_colour", "description"]

    def has_add_permission(self, request) -> bool:
        # One branding per convention.
        return super().has_add_permission(request) and not SiteBranding.objects.exists()

    def save_model(self, request, obj, form, change) -> None:
        branding_save(branding=obj)


@admin.register(Page, site=tenant_admin_site)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "nav_order", "is_published", "updated_at"]
    list_editable = ["nav_order", "is_published"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title", "body"]
