from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date
from django_tenants.utils import get_public_schema_name

from event.models import Event
from register.selectors import loyalty_emails
from register.services import loyalty_codes_issue, loyalty_default_until
from tenant.current import current_schema


class Command(BaseCommand):
    help = (
        "Give everyone who had a paid badge at the --from event a personal discount code of "
        "the --to event (--percent off one badge), mailed to them. Run it again as late "
        "registrations come in: nobody gets a second code. Run it in a tenant: `tenant_command "
        "register__issue_loyalty_codes -s SCHEMA --from SLUG --to SLUG --percent 15`."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--from", dest="from_slug", required=True, metavar="SLUG")
        parser.add_argument("--to", dest="to_slug", required=True, metavar="SLUG")
        parser.add_argument("--percent", required=True, help="Percent off one badge (1-100).")
        parser.add_argument(
            "--until",
            metavar="YYYY-MM-DD",
            help="Last day the codes work (default: until the --to event starts).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say how many would get a code; write nothing."
        )

    def handle(self, *args, from_slug: str, to_slug: str, percent: str, **options) -> None:
        schema = current_schema()
        if schema == get_public_schema_name():
            raise CommandError("Run this in a tenant: tenant_command ... -s SCHEMA.")
        events = {e.slug: e for e in Event.objects.filter(slug__in=[from_slug, to_slug])}
        missing = [slug for slug in (from_slug, to_slug) if slug not in events]
        if missing:
            raise CommandError(f"[{schema}] no event {', '.join(missing)}.")
        try:
            amount = Decimal(percent)
        except InvalidOperation as error:
            raise CommandError(f"--percent {percent!r} is not a number.") from error
        until = loyalty_default_until(events[to_slug])
        if options.get("until"):
            day = parse_date(options["until"])
            if day is None:
                raise CommandError(f"--until {options['until']!r} is not a date (YYYY-MM-DD).")
            until = loyalty_default_until(events[to_slug], last_day=day)
        emails = loyalty_emails(event=events[from_slug])
        if options["dry_run"]:
            self.stdout.write(
                f"[{schema}] {len(emails)} attendee(s) of {from_slug}; nothing written"
            )
            return
        try:
            created = loyalty_codes_issue(
                from_event=events[from_slug],
                to_event=events[to_slug],
                percent=amount,
                emails=emails,
                expires_at=until,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            f"[{schema}] {len(created)} loyalty code(s) issued for {to_slug} and mailed; "
            f"{len(emails) - len(created)} attendee(s) of {from_slug} had one already"
        )
