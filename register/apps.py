from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "register"
    contract = "register.platform.Contract"
    verbose_name = "Registration"
