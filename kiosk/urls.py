from django.urls import path

from kiosk import views

app_name = "kiosk"

urlpatterns = [
    path("", views.DeskView.as_view(), name="desk"),
    path("scan/", views.DeskScanView.as_view(), name="desk-scan"),
    path("undo/", views.DeskUndoView.as_view(), name="desk-undo"),
]
