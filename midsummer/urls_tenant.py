"""URLs served on a convention's hosts."""

from django.urls import include, path

from event.views import EventOverviewView
from midsummer.admin_sites import tenant_admin_site

urlpatterns = [
    path("", EventOverviewView.as_view(), name="home"),
    path("admin/", tenant_admin_site.urls),
    path("accounts/", include("tenant.urls")),
]
