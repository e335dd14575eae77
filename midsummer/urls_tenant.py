"""URLs served on a convention's hosts."""

from django.urls import include, path

from midsummer.admin_sites import tenant_admin_site
from tenant.views import MeApiView, MediaFileView

urlpatterns = [
    path("", include("front.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", tenant_admin_site.urls),
    path("accounts/", include("tenant.urls")),
    path("media/<path:path>", MediaFileView.as_view(), name="media"),
    # OAuth2 / OpenID Connect for this convention's applications (see tenant/oauth.py).
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("api/me", MeApiView.as_view(), name="api-me"),
    path("register/", include("register.urls")),
]

handler403 = "midsummer.errors.permission_denied"
handler404 = "midsummer.errors.page_not_found"
handler500 = "midsummer.errors.server_error"
