from django.urls import path

from kiosk import api, views

app_name = "kiosk"

urlpatterns = [
    path("", views.DeskView.as_view(), name="desk"),
    path("scan/", views.DeskScanView.as_view(), name="desk-scan"),
    path("undo/", views.DeskUndoView.as_view(), name="desk-undo"),
    # Devices (JSON, bearer token of an enrolled OAuth client).
    path("api/redeem/", api.RedeemApiView.as_view(), name="api-redeem"),
    path("api/offline/", api.OfflineDataApiView.as_view(), name="api-offline"),
    path("api/sync/", api.OfflineSyncApiView.as_view(), name="api-sync"),
]
