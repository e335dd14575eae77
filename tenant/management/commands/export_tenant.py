from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tenant.models import Tenant
from tenant.portability import EXPORT_METHODS, PortabilityError, tenant_export


class Command(BaseCommand):
    help = (
        "Write one convention to a self-contained archive (tar.gz): its tables (COPY, table by "
        "table; or pg_dump with --method pg_dump), its public rows (tenant, hosts, members, "
        "accounts, OAuth applications), its media files "
        "and a manifest. Restore it with import_tenant."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("schema_name")
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--method",
            choices=EXPORT_METHODS,
            default="copy",
            help="copy (default): rows table by table, cost follows the convention's size; "
            "pg_dump: the schema by pg_dump, which reads the whole database's catalog.",
        )

    def handle(self, *args, schema_name: str, file: Path, **options) -> None:
        tenant = Tenant.objects.filter(schema_name=schema_name).first()
        if tenant is None:
            raise CommandError(f"No tenant with schema {schema_name!r}.")

        def say(message: str) -> None:
            if options["verbosity"] > 0:
                self.stdout.write(message)

        try:
            result = tenant_export(tenant=tenant, path=file, method=options["method"], progress=say)
        except PortabilityError as error:
            raise CommandError(str(error)) from error
        counts = result.manifest["counts"]
        say(
            f"[{schema_name}] exported to {result.path}: {counts['users']} account(s), "
            f"{counts['memberships']} membership(s), {counts['applications']} OAuth "
            f"application(s), {counts['media_files']} media file(s)"
        )
