from django.urls import path

from kiosk import api, door_sales, print_views, self_service, views

app_name = "kiosk"

urlpatterns = [
    path("", views.DeskView.as_view(), name="desk"),
    path("scan/", views.DeskScanView.as_view(), name="desk-scan"),
    path("undo/", views.DeskUndoView.as_view(), name="desk-undo"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    # Badge printing.
    path("print/", print_views.PrintQueueView.as_view(), name="print-queue"),
    path("print/take/", print_views.PrintTakeView.as_view(), name="print-take"),
    path("print/finish/", print_views.PrintFinishView.as_view(), name="print-finish"),
    path("print/request/", print_views.PrintRequestView.as_view(), name="print-request"),
    path("print/order/", print_views.PrintOrderView.as_view(), name="print-order"),
    path("print/<int:job_id>/badge.pdf", print_views.PrintJobPdfView.as_view(), name="print-pdf"),
    # Selling badges at the door.
    path("cashier/", door_sales.CashierView.as_view(), name="cashier"),
    path("cashier/pay/", door_sales.CashierPayView.as_view(), name="cashier-pay"),
    path("self/buy/", door_sales.SelfServiceBuyView.as_view(), name="self-buy"),
    # The self-service kiosk.
    path("self/start/", self_service.SelfServiceStartView.as_view(), name="self-start"),
    path("self/", self_service.SelfServiceView.as_view(), name="self"),
    path("self/print/", self_service.SelfServicePrintView.as_view(), name="self-print"),
    path("self/done/", self_service.SelfServiceCancelView.as_view(), name="self-cancel"),
    # Devices (JSON, bearer token of an enrolled OAuth client).
    path("api/redeem/", api.RedeemApiView.as_view(), name="api-redeem"),
    path("api/offline/", api.OfflineDataApiView.as_view(), name="api-offline"),
    path("api/sync/", api.OfflineSyncApiView.as_view(), name="api-sync"),
    path("api/print/next/", api.PrintNextApiView.as_view(), name="api-print-next"),
    path("api/print/<int:job_id>/badge.pdf", api.PrintPdfApiView.as_view(), name="api-print-pdf"),
    path("api/print/<int:job_id>/done/", api.PrintDoneApiView.as_view(), name="api-print-done"),
]
