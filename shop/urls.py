from django.urls import path

from shop import views

app_name = "shop"

urlpatterns = [
    path("", views.CatalogueView.as_view(), name="catalogue"),
    path("orders/<str:reference>/", views.OrderView.as_view(), name="order"),
    path("desk/", views.DeskView.as_view(), name="desk"),
]
