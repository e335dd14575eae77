from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction
from django_tenants.management.commands.create_tenant import Command as StockCreateTenantCommand

from tenant.routing import normalize_host
from tenant.selectors import host_is_taken


class Command(StockCreateTenantCommand):
    """django-tenants' ``create_tenant``, made all-or-nothing.

    The host is normalized and checked against every Domain and CustomDomain first, and the
    tenant, its schema and its domain are created in one transaction: a bad domain leaves no
    tenant without a host behind.
    """

    def handle(self, *args, **options) -> None:
        if options.get("domain_domain"):
            host = normalize_host(options["domain_domain"])
            if host_is_taken(host=host):
                raise CommandError(f"{host} is already used by a convention.")
            options["domain_domain"] = host
        try:
            with transaction.atomic():
                super().handle(*args, **options)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
