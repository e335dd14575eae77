from django.apps import AppConfig


class VendorsConfig(AppConfig):
    name = "vendors"
    contract = "vendors.platform.Contract"
    verbose_name = "Dealers' den"
