from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api import views

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("event/", views.EventView.as_view(), name="event"),
    path("registrations/", views.RegistrationListView.as_view(), name="registrations"),
    path(
        "registrations/<int:pk>/",
        views.RegistrationDetailView.as_view(),
        name="registration",
    ),
    path("orders/", views.OrderListView.as_view(), name="orders"),
    path("orders/<int:pk>/", views.OrderDetailView.as_view(), name="order"),
    path("orders/<int:pk>/cancel/", views.OrderCancelView.as_view(), name="order-cancel"),
    path("orders/<int:pk>/refund/", views.OrderRefundView.as_view(), name="order-refund"),
    path("checkin/redeem/", views.RedeemView.as_view(), name="redeem"),
    path("schedule/sessions/", views.SessionListView.as_view(), name="sessions"),
    path("schedule/rooms/", views.RoomListView.as_view(), name="rooms"),
    path("schedule/releases/", views.ReleaseListView.as_view(), name="releases"),
    path("shop/products/", views.ProductListView.as_view(), name="products"),
    path("shop/orders/", views.ShopOrderListView.as_view(), name="shop-orders"),
    path("staff/shifts/", views.ShiftListView.as_view(), name="shifts"),
    path("staff/hours/", views.VolunteerHoursView.as_view(), name="volunteer-hours"),
    path("vendors/dealers/", views.DealerListView.as_view(), name="dealers"),
]
