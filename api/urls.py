from django.urls import path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
)

from api import views

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("event/", views.EventView.as_view(), name="event"),
    path("registrations/", views.RegistrationListView.as_view(), name="registrations"),
    path(
        "registrations/<int:pk>/",
        views.RegistrationDetailView.as_view(),
        name="registration",
    ),
    path("checkin/redeem/", views.RedeemView.as_view(), name="redeem"),
    path("schedule/sessions/", views.SessionListView.as_view(), name="sessions"),
    path("shop/products/", views.ProductListView.as_view(), name="products"),
    path("shop/orders/", views.ShopOrderListView.as_view(), name="shop-orders"),
    path("staff/shifts/", views.ShiftListView.as_view(), name="shifts"),
    path("vendors/dealers/", views.DealerListView.as_view(), name="dealers"),
]
