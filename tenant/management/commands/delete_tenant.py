from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenant.lifecycle import tenant_delete
from tenant.models import Tenant


class Command(BaseCommand):
    help = (
        "Delete a convention: its schema, hosts, memberships, OAuth applications, media and the "
        "accounts that belonged to it alone. Wants a fresh export_tenant archive, or "
        "--no-export --yes."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("schema_name")
        parser.add_argument(
            "--no-export", action="store_true", help="Delete although there is no fresh export."
        )
        parser.add_argument("--yes", action="store_true", help="Confirm --no-export.")
        parser.add_argument(
            "--sync-timeout",
            type=float,
            default=10.0,
            help="Seconds to wait for running processes to drop their routes (10).",
        )

    def handle(self, *args, schema_name: str, no_export: bool, yes: bool, **options) -> None:
        tenant = Tenant.objects.filter(schema_name=schema_name).first()
        if tenant is None:
            raise CommandError(f"No tenant with schema {schema_name!r}.")
        if no_export and not yes:
            raise CommandError("--no-export deletes data for good: add --yes to confirm.")

        def say(message: str) -> None:
            if options["verbosity"] > 0:
                self.stdout.write(message)

        try:
            report = tenant_delete(
                tenant=tenant,
                without_export=no_export,
                sync_timeout=options["sync_timeout"],
                progress=say,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if report.unacknowledged_processes:
            self.stderr.write(
                f"warning: {len(report.unacknowledged_processes)} process(es) did not confirm "
                "dropping their routes in time"
            )
        self.stdout.write(
            f"[{schema_name}] deleted: schema, hosts, memberships, OAuth applications, media; "
            f"{len(report.users_deleted)} account(s) deleted, "
            f"{len(report.users_kept)} kept (they belong elsewhere)"
        )
