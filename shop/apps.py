from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "shop"
    contract = "shop.platform.Contract"
    verbose_name = "Merch shop"
