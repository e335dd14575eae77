from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("stripe/webhook/", views.StripeWebhookView.as_view(), name="stripe-webhook"),
    path(
        "pay/<slug:kind>/<str:reference>/",
        views.SimulatedPaymentView.as_view(),
        name="pay-simulated",
    ),
]
