from django.urls import path

from vendors import views

app_name = "vendors"

urlpatterns = [
    path("", views.DenView.as_view(), name="den"),
    path("apply/", views.ApplyView.as_view(), name="apply"),
    path("mine/", views.MineView.as_view(), name="mine"),
    path("review/", views.ReviewListView.as_view(), name="review-list"),
    path("review/<int:application_id>/", views.ReviewView.as_view(), name="review"),
    path("review/<int:application_id>/decide/", views.DecideView.as_view(), name="decide"),
]
