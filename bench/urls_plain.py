from django.urls import path

from bench.views import one_row_page

urlpatterns = [path("bench/page/", one_row_page)]
