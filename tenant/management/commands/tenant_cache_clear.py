from django.core.management.base import BaseCommand, CommandError

from tenant.models import Tenant
from tenant.services import tenant_cache_clear


class Command(BaseCommand):
    help = "Delete one tenant's cache entries, leaving every other tenant's untouched."

    def add_arguments(self, parser) -> None:
        parser.add_argument("-s", "--schema", dest="schema_name", required=True)

    def handle(self, *args, schema_name: str, **options) -> None:
        if not Tenant.objects.filter(schema_name=schema_name).exists():
            raise CommandError(f"No tenant with schema {schema_name!r}.")
        deleted = tenant_cache_clear(schema_name=schema_name)
        self.stdout.write(
            f"[{schema_name}] {deleted} cache entr{'y' if deleted == 1 else 'ies'} deleted"
        )
