import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, tenant_context

from event.models import Event
from event.services import event_create
from register.models import AddOn, BadgeLevel, DiscountCode, PriceTier, RegistrationSettings
from tenant.models import Domain, Tenant, User
from tenant.services import membership_grant, tenant_create, user_create

DEMO_PASSWORD = "midsummer-demo"  # noqa: S105 - printed demo credentials, dev mode only
PUBLIC_HOST = "localhost"
DEMO_TENANTS = [
    # schema, name, host, event name, venue, months from today, days long, time zone
    (
        "furrydelphia",
        "Furrydelphia",
        "furrydelphia.localhost",
        "Furrydelphia 2027",
        "Philadelphia Marriott Downtown",
        4,
        4,
        "America/New_York",
    ),
    (
        "uproar",
        "Uproar",
        "uproar.localhost",
        "Uproar Winter 2027",
        "Hyatt Regency Louisville",
        6,
        3,
        "America/Kentucky/Louisville",
    ),
]


class Command(BaseCommand):
    help = (
        "Create the demo tenants (furrydelphia, uproar) with events and org admins. Dev mode only."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="Port printed in the URLs.")

    def handle(self, *args, port: int, **options) -> None:
        if not settings.DEV_MODE:
            raise CommandError("seed_demo creates accounts with a known password; dev mode only.")
        self._ensure_public_tenant()
        operator = self._ensure_user("operator@midsummer.localhost", "Platform Operator")
        if not operator.is_superuser:
            operator.is_superuser = True
            operator.save(update_fields=["is_superuser"])

        self.stdout.write(self.style.SUCCESS("Midsummer demo is ready (discount code FRIEND10):"))
        self.stdout.write(
            f"  http://{PUBLIC_HOST}:{port}/admin/  operator@midsummer.localhost / {DEMO_PASSWORD}"
        )
        for schema, name, host, event_name, venue, months, length, tz in DEMO_TENANTS:
            tenant = Tenant.objects.filter(schema_name=schema).first()
            if tenant is None:
                self.stdout.write(f"  creating tenant {schema} …")
                tenant = tenant_create(schema_name=schema, name=name, domain=host)
            admin = self._ensure_user(f"admin@{host}", f"{name} Org Admin")
            membership_grant(user=admin, tenant=tenant, is_tenant_superuser=True)
            with tenant_context(tenant):
                if not Event.objects.exists():
                    start = timezone.localdate() + dt.timedelta(days=30 * months)
                    event = event_create(
                        name=event_name,
                        slug=event_name.lower().replace(" ", "-"),
                        start_date=start,
                        end_date=start + dt.timedelta(days=length - 1),
                        timezone=tz,
                        venue_name=venue,
                        is_active=True,
                    )
                    self._seed_registration(event)
            self.stdout.write(f"  http://{host}:{port}/       {name}")
            self.stdout.write(f"  http://{host}:{port}/admin/ admin@{host} / {DEMO_PASSWORD}")

    def _seed_registration(self, event: Event) -> None:
        today = timezone.localdate()
        attendee = BadgeLevel.objects.create(
            event=event, name="Attendee", price=Decimal("75.00"), capacity=500, sort_order=1,
            description="Four days of panels, dealers and dances.",
        )  # fmt: skip
        # Early bird now, regular from a month before the con, the level price at the door.
        PriceTier.objects.bulk_create(
            [
                PriceTier(level=attendee, name="Early bird", price=Decimal("55.00"),
                          starts_on=today - dt.timedelta(days=60)),
                PriceTier(level=attendee, name="Regular", price=Decimal("65.00"),
                          starts_on=event.start_date - dt.timedelta(days=30)),
                PriceTier(level=attendee, name="At the door", price=Decimal("75.00"),
                          starts_on=event.start_date),
            ]
        )  # fmt: skip
        BadgeLevel.objects.create(
            event=event, name="Sponsor", price=Decimal("150.00"), capacity=100, sort_order=2,
            description="Attendee, plus a sponsor ribbon and early entry.",
            age_rule=BadgeLevel.AgeRule.ADULTS_ONLY,
        )  # fmt: skip
        BadgeLevel.objects.create(
            event=event, name="Child", price=Decimal("25.00"), sort_order=3,
            age_rule=BadgeLevel.AgeRule.FREE_UNDER, free_under_age=6,
            description="For attendees under 18; free under 6.",
        )  # fmt: skip
        AddOn.objects.create(
            event=event, name="T-shirt", price=Decimal("20.00"), capacity=300,
            options=["S", "M", "L", "XL", "XXL"],
        )  # fmt: skip
        DiscountCode.objects.create(event=event, code="FRIEND10", kind="percent", amount=10)
        # Lifecycle features on: transfers, and cancelling with a refund until two weeks before.
        RegistrationSettings.objects.update_or_create(
            event=event,
            defaults={
                "transfers_allowed": True,
                "self_cancel_until": event.start_date - dt.timedelta(days=14),
            },
        )

    @transaction.atomic
    def _ensure_public_tenant(self) -> None:
        public = Tenant.objects.filter(schema_name=get_public_schema_name()).first()
        if public is None:
            public = Tenant(schema_name=get_public_schema_name(), name="Midsummer")
            public.save(verbosity=0)
        Domain.objects.get_or_create(domain=PUBLIC_HOST, defaults={"tenant": public})

    def _ensure_user(self, email: str, full_name: str) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_create(email=email, password=DEMO_PASSWORD, full_name=full_name)
        return user
