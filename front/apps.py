from django.apps import AppConfig


class FrontConfig(AppConfig):
    name = "front"
    contract = "front.platform.Contract"
    verbose_name = "Public site"
