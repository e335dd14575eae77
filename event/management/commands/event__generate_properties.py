from django.core.management.base import BaseCommand
from django_tenants.utils import get_public_schema_name

from event.selectors import active_event
from event.services import event_generate_properties
from tenant.current import current_schema


class Command(BaseCommand):
    help = (
        "(Re)compute the active event's derived data (days, minor cut-off, default badge ranges). "
        "Idempotent. Run it in one tenant with `tenant_command event__generate_properties -s "
        "SCHEMA`, or everywhere with `all_tenants_command event__generate_properties`."
    )

    def handle(self, *args, **options) -> None:
        schema = current_schema()
        if schema == get_public_schema_name():
            self.stdout.write(f"[{schema}] skipped: the public schema holds no events")
            return
        event = active_event()
        if event is None:
            self.stdout.write(f"[{schema}] skipped: no active event")
            return
        result = event_generate_properties(event=event)
        self.stdout.write(
            f"[{schema}] {event.name}: {len(result.days)} day(s) "
            f"{result.days[0]:%Y-%m-%d}..{result.days[-1]:%Y-%m-%d}, "
            f"minors born after {result.minor_cutoff_date:%Y-%m-%d}, "
            f"{result.badge_ranges_created} badge range(s) created"
        )
