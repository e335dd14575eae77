from django.urls import path
from django.views.generic import RedirectView

from payments.views import StripeWebhookView
from register import views

app_name = "register"

urlpatterns = [
    path("", views.RegisterView.as_view(), name="start"),
    path("mine/", views.MyRegistrationsView.as_view(), name="mine"),
    # Stripe's webhook as set up before ``payments`` took it over: such endpoints keep working.
    path("stripe/webhook/", StripeWebhookView.as_view(), name="stripe-webhook"),
    path(
        "mine/<int:registration_id>/badge-name/",
        views.BadgeNameChangeView.as_view(),
        name="badge-name",
    ),
    path(
        "mine/<int:registration_id>/transfer/",
        views.TransferOfferView.as_view(),
        name="transfer-offer",
    ),
    path("mine/<int:registration_id>/upgrade/", views.UpgradeView.as_view(), name="upgrade"),
    path("group/", views.GroupOrderView.as_view(), name="group"),
    # Moved to the platform's "my data" pages, which cover every app.
    path("my-data/", RedirectView.as_view(pattern_name="my-data", permanent=True)),
    path("my-data/delete/", RedirectView.as_view(pattern_name="my-data-delete", permanent=True)),
    path("waitlist/", views.WaitlistView.as_view(), name="waitlist"),
    path("waitlist/<int:level_id>/join/", views.WaitlistJoinView.as_view(), name="waitlist-join"),
    path("offer/<str:token>/", views.WaitlistOfferView.as_view(), name="waitlist-offer"),
    path("transfer/<str:token>/", views.TransferAcceptView.as_view(), name="transfer-accept"),
    path("orders/<str:reference>/", views.OrderView.as_view(), name="order"),
    path("orders/<str:reference>/cancel/", views.OrderCancelView.as_view(), name="cancel"),
    path("orders/<str:reference>/roll-over/", views.OrderRollOverView.as_view(), name="roll-over"),
    path("orders/<str:reference>/pay/", views.SimulatedPaymentView.as_view(), name="pay-simulated"),
]
