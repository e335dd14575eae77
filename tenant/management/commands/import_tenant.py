from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tenant.portability import PortabilityError, describe, tenant_import


class Command(BaseCommand):
    help = (
        "Restore a convention from an export_tenant archive into this deployment. Accounts are "
        "merged by email; a taken schema, host, OAuth client id or media folder is reported and "
        "nothing is written."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--skip-taken-domains",
            action="store_true",
            help="Import without the hosts another convention already uses here.",
        )

    def handle(self, *args, file: Path, skip_taken_domains: bool, **options) -> None:
        def say(message: str) -> None:
            if options["verbosity"] > 0:
                self.stdout.write(message)

        try:
            result = tenant_import(path=file, skip_taken_domains=skip_taken_domains, progress=say)
        except PortabilityError as error:
            raise CommandError(str(error)) from error
        say(describe(result))
