from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import get_public_schema_name

from event.selectors import active_event
from register.charts import timeline_chart
from register.selectors.reports import registration_timeline
from tenant.current import current_schema
from tenant.exports import csv_writer


class Command(BaseCommand):
    help = (
        "Write the active event's registrations and revenue per day and level to "
        "DIR/<schema>/<event slug>/timeline.csv, with a chart (timeline.svg). Run it in a tenant: "
        "`tenant_command register__export_reg_timeline -s SCHEMA --dir DIR` or "
        "`all_tenants_command register__export_reg_timeline --dir DIR`."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dir", required=True, type=Path, help="Folder to write into.")

    def handle(self, *args, dir: Path, **options) -> None:
        schema = current_schema()
        if schema == get_public_schema_name():
            raise CommandError(
                "The public schema holds no registrations: run this in a tenant "
                "(tenant_command -s SCHEMA, or all_tenants_command --no-public)."
            )
        event = active_event()
        if event is None:
            self.stdout.write(f"[{schema}] skipped: no active event")
            return
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
        self.stdout.write(f"[{schema}] {len(points)} row(s) written to {target}")
