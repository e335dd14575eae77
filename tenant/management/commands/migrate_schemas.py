"""django-tenants' ``migrate_schemas`` with the same name and flags, made for many schemas.

``--shared`` (and ``-s public``) is django-tenants' own. For tenant schemas the work is done by
``tenant.migrations_runner``: schemas with nothing to apply are skipped, the rest migrate in
parallel, a failing schema does not stop the others, and a run can be staged.
"""

from django.core.management.base import CommandError
from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
from django_tenants.utils import get_public_schema_name, get_tenant_migration_order

from tenant.migrations_runner import (
    Progress,
    default_workers,
    migrate_schemas_parallel,
    pending_migrations,
    summary_lines,
)
from tenant.models import Tenant


class Command(MigrateSchemasCommand):
    help = (
        "Migrate the public schema (--shared), the tenant schemas (--tenant), or both. Tenant "
        "schemas with nothing to apply are skipped; the others migrate in parallel "
        "(--workers); failures are reported at the end (exit 1) and a new run resumes. "
        "Staged rollouts: --schemas a,b and --canary N."
    )

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help=f"Worker processes for tenant schemas (default {default_workers()}; "
            "--executor=standard means 1; --parallel is the same).",
        )
        parser.add_argument(
            "--schemas",
            default="",
            help="Comma-separated tenant schemas: migrate only these (implies --tenant).",
        )
        parser.add_argument(
            "--canary",
            type=int,
            default=0,
            help="Migrate this many schemas first and stop if any of them fails.",
        )

    def handle(self, *args, **options) -> None:
        public = get_public_schema_name()
        only = [s.strip() for s in options["schemas"].split(",") if s.strip()]
        schema_name = options.get("schema_name")
        if options["canary"] < 0 or (options["workers"] is not None and options["workers"] < 1):
            raise CommandError("--canary must be 0 or more and --workers at least 1.")
        if (only or options["canary"]) and (options["shared"] or schema_name):
            raise CommandError("--schemas and --canary apply to tenant schemas only.")
        if options["shared"] or schema_name == public:
            super().handle(*args, **options)  # django-tenants' own, unchanged
            return
        if not options["tenant"] and not schema_name and not only:
            super().handle(*args, **{**options, "shared": True, "tenant": False})
        self._migrate_tenants(schema_name, only, options)

    def _selected_schemas(self, schema_name: str | None, only: list[str]) -> list[str]:
        public = get_public_schema_name()
        if schema_name:
            return [schema_name]  # any existing schema, as django-tenants allows
        order = get_tenant_migration_order() or ["schema_name"]
        known = list(
            Tenant.objects.exclude(schema_name=public)
            .order_by(*order)
            .values_list("schema_name", flat=True)
        )
        if not only:
            return known
        unknown = sorted(set(only) - set(known))
        if unknown:
            raise CommandError(f"No tenant with schema {', '.join(unknown)}.")
        return [s for s in known if s in only]

    def _migrate_tenants(self, schema_name: str | None, only: list[str], options) -> None:
        schemas = self._selected_schemas(schema_name, only)
        verbosity = options["verbosity"]
        if options["check_unapplied"]:
            self._check(schemas, options)
            return
        workers = options["workers"] or options.get("parallel")
        if not workers:
            workers = 1 if options.get("executor") == "standard" else default_workers()
        done_word = "planned" if options["plan"] else "migrated"  # --plan changes nothing
        progress = Progress(
            write=(lambda text: self.stdout.write(text, ending="")) if verbosity else None,
            tty=self.stdout.isatty(),
            done_word=done_word,
        )
        try:
            report = migrate_schemas_parallel(
                schemas=schemas,
                options=options,
                workers=workers,
                canary=options["canary"],
                # --prune and --run-syncdb have work to do in schemas at head too.
                skip_at_head=not (options["prune"] or options["run_syncdb"]),
                progress=progress,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        if verbosity >= 2 or options["plan"]:
            for outcome in report.migrated:
                self.stdout.write(f"--- {outcome.schema}\n{outcome.output}")
        if verbosity >= 2:
            for outcome in report.failed:
                self.stderr.write(f"--- {outcome.schema}\n{outcome.output}")
        if verbosity:
            for line in summary_lines(report, done_word=done_word):
                self.stdout.write(line)
        if not report.ok:
            raise CommandError(
                f"{len(report.failed)} schema(s) failed to migrate"
                + (f" and {len(report.not_run)} were not run" if report.not_run else "")
                + ": fix them and run migrate_schemas again to resume (schemas at head are "
                "skipped)."
            )

    def _check(self, schemas: list[str], options) -> None:
        """``--check``: say which schemas have migrations to apply, from the catalog alone."""
        try:
            pending = pending_migrations(
                schemas=schemas,
                app_label=options.get("app_label"),
                migration_name=options.get("migration_name"),
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        behind = {schema: plan for schema, plan in pending.items() if plan}
        for schema, plan in behind.items():
            self.stdout.write(f"{schema}: {', '.join(plan)}")
        if behind:
            raise SystemExit(1)
