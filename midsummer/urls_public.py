"""URLs served on the platform's own host(s)."""

from django.urls import include, path

from directory.views import ConventionsCalendarView, MyConventionsView, PlatformHomeView
from midsummer.admin_sites import public_admin_site
from tenant.views import MediaFileView

urlpatterns = [
    path("", PlatformHomeView.as_view(), name="home"),
    path("conventions.ics", ConventionsCalendarView.as_view(), name="conventions-ics"),
    path("my/conventions/", MyConventionsView.as_view(), name="my-conventions"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", public_admin_site.urls),
    path("accounts/", include("tenant.urls")),
    path("media/<path:path>", MediaFileView.as_view(), name="media"),
]

handler403 = "midsummer.errors.permission_denied"
handler404 = "midsummer.errors.page_not_found"
handler500 = "midsummer.errors.server_error"
