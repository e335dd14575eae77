from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenant.models import Tenant
from tenant.sandbox import tenant_sandbox_create


class Command(BaseCommand):
    help = (
        "Copy a convention with its data into a new sandbox convention on its own host, for "
        "rehearsals. Mail from a sandbox never reaches real people; --scramble also replaces "
        "personal data with fake data."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("source")
        parser.add_argument("schema_name")
        parser.add_argument("--domain", required=True, help="The sandbox's host.")
        parser.add_argument("--name", default="", help="Its name (default: '<source> (sandbox)').")
        parser.add_argument(
            "--scramble", action="store_true", help="Replace personal data with fake data."
        )

    def handle(self, *args, source: str, schema_name: str, **options) -> None:
        tenant = Tenant.objects.filter(schema_name=source).first()
        if tenant is None:
            raise CommandError(f"No tenant with schema {source!r}.")
        try:
            tenant_sandbox_create(
                source=tenant,
                schema_name=schema_name,
                domain=options["domain"],
                name=options["name"],
                scramble=options["scramble"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if options["verbosity"] > 0:
            self.stdout.write(
                f"[{schema_name}] sandbox of {source} on {options['domain'].lower()}"
                + (", personal data scrambled" if options["scramble"] else "")
            )
