from django.urls import path

from vendors import views

app_name = "vendors"

urlpatterns = [
    path("", views.DenView.as_view(), name="den"),
    path("apply/", views.ApplyView.as_view(), name="apply"),
    path("mine/", views.MineView.as_view(), name="mine"),
    path("mine/cancel/", views.MyCancelView.as_view(), name="mine-cancel"),
    path("mine/photos/", views.MyPhotosView.as_view(), name="mine-photos"),
    path("mine/badges/", views.MyBadgesView.as_view(), name="mine-badges"),
    path("hall/", views.HallView.as_view(), name="hall"),
    path("hall/layout/", views.HallLayoutView.as_view(), name="hall-layout"),
    path("hall/place/", views.HallPlaceView.as_view(), name="hall-place"),
    path("report/", views.ReportView.as_view(), name="report"),
    path("report/applications.csv", views.ReportCsvView.as_view(), name="report-csv"),
    path("review/", views.ReviewListView.as_view(), name="review-list"),
    path("review/<int:application_id>/", views.ReviewView.as_view(), name="review"),
    path("review/<int:application_id>/decide/", views.DecideView.as_view(), name="decide"),
    path("review/<int:application_id>/cancel/", views.LeadCancelView.as_view(), name="cancel"),
]
