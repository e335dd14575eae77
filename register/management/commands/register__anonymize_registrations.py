import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from register.services import registrations_anonymize_after_event


class Command(BaseCommand):
    help = (
        "Anonymize the registrations of events that ended more than --days days ago (counts and "
        "revenue stay for reports). Run per tenant: tenant_command or all_tenants_command."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, required=True)
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None)

    def handle(self, *args, days: int, today, **options):
        try:
            count = registrations_anonymize_after_event(days=days, today=today)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"Anonymized {count} registration(s).")
