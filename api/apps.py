from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "REST API"
    contract = "api.platform.Contract"

    def ready(self) -> None:
        from api import access  # noqa: F401 — registers the schema's security scheme

        super().ready()
