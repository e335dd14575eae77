"""URLs served on the platform's own host(s)."""

from django.urls import include, path
from django.views.generic import TemplateView

from midsummer.admin_sites import public_admin_site
from tenant.views import MediaFileView

urlpatterns = [
    path("", TemplateView.as_view(template_name="midsummer/platform_home.html"), name="home"),
    path("admin/", public_admin_site.urls),
    path("accounts/", include("tenant.urls")),
    path("media/<path:path>", MediaFileView.as_view(), name="media"),
]
