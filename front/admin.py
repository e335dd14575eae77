from django.contrib import admin
from django.db import models
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from front.models import Page, SiteBranding
from front.services import branding_save
from front.social import SOCIAL_NETWORKS
from midsummer.admin_sites import tenant_admin_site


@admin.register(SiteBranding, site=tenant_admin_site)
class SiteBrandingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "brand_colour", "brand_text_colour", "updated_at"]
    fieldsets = [
        (None, {"fields": ["description", "brand_colour", "brand_text_colour"]}),
        (
            _("Pictures"),
            {"fields": ["pictures", "logo", "banner", "banner_alt", "favicon"]},
        ),
        (
            _("Contact and social media"),
            {"fields": ["contact_email", *(network.field for network in SOCIAL_NETWORKS)]},
        ),
    ]
    readonly_fields = ["pictures"]
    # An address typed without a scheme is taken as https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request) -> bool:
        # One branding per convention.
        return super().has_add_permission(request) and not SiteBranding.objects.exists()

    def save_model(self, request, obj, form, change) -> None:
        # The form has run the same checks (the model's validators); the service checks again,
        # makes the renditions and stores them.
        branding_save(branding=obj)

    @admin.display(description=_("Pictures now"))
    def pictures(self, branding: SiteBranding) -> SafeString | str:
        shown = [
            (file.url, label, height)
            for file, label, height in (
                (branding.logo, _("logo"), 48),
                (branding.banner, _("banner"), 120),
                (branding.touch_icon, _("favicon"), 48),
            )
            if file
        ]
        if not shown:
            return "—"
        return format_html_join(" ", '<img src="{}" alt="{}" height="{}">', shown)


@admin.register(Page, site=tenant_admin_site)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "nav_order", "is_published", "updated_at"]
    list_editable = ["nav_order", "is_published"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title", "body"]
