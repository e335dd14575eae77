"""A convention's URLs plus the bench page (bench settings only)."""

from django.urls import path

from bench.views import one_row_page
from midsummer.urls_tenant import urlpatterns as product_urlpatterns

urlpatterns = [path("bench/page/", one_row_page), *product_urlpatterns]
