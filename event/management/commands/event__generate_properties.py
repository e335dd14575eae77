from django.core.management.base import BaseCommand
from django_tenants.utils import get_public_schema_name

from event.selectors import events_for_command
from event.services import event_generate_properties
from tenant.current import current_schema


class Command(BaseCommand):
    help = (
        "(Re)compute each event's derived data (days, minor cut-off, default badge ranges): "
        "every event of the convention, or the one --event names. Idempotent. Run it in one "
        "tenant with `tenant_command event__generate_properties -s SCHEMA`, or everywhere with "
        "`all_tenants_command event__generate_properties`."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--event", metavar="SLUG", help="Only this event (default: every event)."
        )

    def handle(self, *args, event: str | None = None, **options) -> None:
        schema = current_schema()
        if schema == get_public_schema_name():
            self.stdout.write(f"[{schema}] skipped: the public schema holds no events")
            return
        events = events_for_command(event)
        if not events:
            self.stdout.write(
                f"[{schema}] skipped: no event '{event}'"
                if event
                else f"[{schema}] skipped: no events"
            )
            return
        for each in events:
            result = event_generate_properties(event=each)
            self.stdout.write(
                f"[{schema}] {each.name}: {len(result.days)} day(s) "
                f"{result.days[0]:%Y-%m-%d}..{result.days[-1]:%Y-%m-%d}, "
                f"minors born after {result.minor_cutoff_date:%Y-%m-%d}, "
                f"{result.badge_ranges_created} badge range(s) created"
            )
