"""URLs served on the platform's own host(s)."""

from django.urls import include, path

from midsummer.admin_sites import public_admin_site
from tenant.views import MediaFileView

urlpatterns = [
    # The platform's front: what Midsummer is and the directory of conventions.
    path("", include("directory.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", public_admin_site.urls),
    path("accounts/", include("tenant.urls")),
    path("media/<path:path>", MediaFileView.as_view(), name="media"),
]

handler403 = "midsummer.errors.permission_denied"
handler404 = "midsummer.errors.page_not_found"
handler500 = "midsummer.errors.server_error"
