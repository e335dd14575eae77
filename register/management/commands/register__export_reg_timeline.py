from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import get_public_schema_name

from event.models import Event
from event.selectors import events_for_command
from register.charts import timeline_chart
from register.selectors.reports import registration_timeline
from tenant.current import current_schema
from tenant.exports import csv_writer


class Command(BaseCommand):
    help = (
        "Write each event's registrations and revenue per day and level to "
        "DIR/<schema>/<event slug>/timeline.csv, with a chart (timeline.svg): every event of "
        "the convention, or the one --event names. Run it in a tenant: `tenant_command "
        "register__export_reg_timeline -s SCHEMA --dir DIR` or `all_tenants_command "
        "register__export_reg_timeline --no-public --dir DIR`."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dir", required=True, type=Path, help="Folder to write into.")
        parser.add_argument(
            "--event", metavar="SLUG", help="Only this event (default: every event)."
        )

    def handle(self, *args, dir: Path, event: str | None = None, **options) -> None:
        schema = current_schema()
        if schema == get_public_schema_name():
            raise CommandError(
                "The public schema holds no registrations: run this in a tenant "
                "(tenant_command -s SCHEMA, or all_tenants_command --no-public)."
            )
        events = events_for_command(event)
        if not events:
            self.stdout.write(
                f"[{schema}] skipped: no event '{event}'"
                if event
                else f"[{schema}] skipped: no events"
            )
            return
        for each in events:
            self._export(schema, each, dir)

    def _export(self, schema: str, event: Event, dir: Path) -> None:
        points = registration_timeline(event=event)
        target = dir / schema / event.slug
        target.mkdir(parents=True, exist_ok=True)
        with (target / "timeline.csv").open("w", newline="") as handle:
            writer = csv_writer(handle)
            writer.writerow(["day", "level", "registrations", "revenue"])
            writer.writerows(
                [p.day.isoformat(), p.level, p.registrations, p.revenue] for p in points
            )
        (target / "timeline.svg").write_text(timeline_chart(event.name, points))
        self.stdout.write(f"[{schema}] {event.slug}: {len(points)} row(s) written to {target}")
