import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from midsummer.contract import contracts
from tenant.current import serving_public


class Command(BaseCommand):
    help = (
        "Anonymize the personal data of events that ended more than --days days ago, in every "
        "tenant app (counts and revenue stay for reports). Run per tenant: "
        "`tenant_command anonymize_after_event -s SCHEMA --days 90` or "
        "`all_tenants_command anonymize_after_event --no-public --days 90`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, required=True)
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None)

    def handle(self, *args, days: int, today, **options):
        if serving_public():
            raise CommandError("Run it in a tenant (tenant_command or all_tenants_command).")
        today = today or timezone.localdate()
        try:
            done = {c.label: c.anonymize_ended_events(days=days, today=today) for c in contracts()}
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        for label, count in done.items():
            if count:
                self.stdout.write(f"{label}: anonymized {count} record(s).")
        self.stdout.write(f"Anonymized {sum(done.values())} record(s) in all.")
