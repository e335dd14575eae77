from django.apps import AppConfig


class TenantConfig(AppConfig):
    name = "tenant"
    verbose_name = "Tenants and identity"
