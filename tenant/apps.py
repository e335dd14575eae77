from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _schema_migrated(sender, using: str = "default", **kwargs) -> None:
    from tenant.routing import notify_schema_migrated

    notify_schema_migrated(using=using)


class TenantConfig(AppConfig):
    name = "tenant"
    verbose_name = "Tenants and identity"

    def ready(self) -> None:
        # Running servers stop answering "being updated" for a schema once it is migrated
        # (tenant/routing.py). Django emits post_migrate once per app; this app's is enough.
        post_migrate.connect(_schema_migrated, sender=self, dispatch_uid="tenant-schema-migrated")
