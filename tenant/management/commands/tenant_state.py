from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenant.lifecycle import tenant_set_state
from tenant.models import Tenant


class Command(BaseCommand):
    help = (
        "Set a convention's state: active, archived (read-only) or deactivated (closed). "
        "Running servers follow at once."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("schema_name")
        parser.add_argument("state", choices=Tenant.State.values)

    def handle(self, *args, schema_name: str, state: str, **options) -> None:
        tenant = Tenant.objects.filter(schema_name=schema_name).first()
        if tenant is None:
            raise CommandError(f"No tenant with schema {schema_name!r}.")
        try:
            tenant_set_state(tenant=tenant, state=state)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"[{schema_name}] {state}")
