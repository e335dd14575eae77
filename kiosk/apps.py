from django.apps import AppConfig


class KioskConfig(AppConfig):
    name = "kiosk"
    contract = "kiosk.platform.Contract"
    verbose_name = "Kiosk"
