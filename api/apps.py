from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "REST API"
    contract = "api.platform.Contract"

    def ready(self) -> None:
        from api import access  # noqa: F401 — registers the schema's security scheme
        from api.webhooks import webhook_deliveries_create
        from tenant.signals import integration_event

        integration_event.connect(webhook_deliveries_create, dispatch_uid="api_webhooks")
        super().ready()
