"""URLs served on a convention's hosts: the platform's own, then each tenant app's (declared
in its contract, see midsummer/contract.py)."""

from django.urls import include, path

from midsummer.admin_sites import tenant_admin_site
from midsummer.contract import url_includes
from tenant.views import MeApiView, MediaFileView, MyDataDeleteView, MyDataView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", tenant_admin_site.urls),
    path("accounts/", include("tenant.urls")),
    path("media/<path:path>", MediaFileView.as_view(), name="media"),
    # OAuth2 / OpenID Connect for this convention's applications (see tenant/oauth.py).
    path("o/", include("tenant.oauth_urls", namespace="oauth2_provider")),
    path("api/me", MeApiView.as_view(), name="api-me"),
    # A person's data here, across every app (tenant/privacy.py).
    path("my-data/", MyDataView.as_view(), name="my-data"),
    path("my-data/delete/", MyDataDeleteView.as_view(), name="my-data-delete"),
    *(path(prefix, include(module)) for prefix, module in url_includes()),
]

handler403 = "midsummer.errors.permission_denied"
handler404 = "midsummer.errors.page_not_found"
handler500 = "midsummer.errors.server_error"
