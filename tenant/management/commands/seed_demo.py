import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, tenant_context

from directory.signals import listing_refresh_for_current_schema
from event.models import Event
from event.services import event_create
from front.models import Page, SiteBranding
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


# What makes each demo convention look like a real one: address, city, look, content pages.
DEMO_SITES = {
    "furrydelphia": {
        "address": "1201 Market Street\nPhiladelphia, PA 19107",
        "city": "Philadelphia",
        "colours": ("#5b21b6", "#ffffff"),
        "description": (
            "Philadelphia's furry convention: four days of panels, a packed dealers' den, "
            "the fursuit parade down Market Street and dances every night."
        ),
        "pages": [
            (
                "Code of conduct",
                "code-of-conduct",
                1,
                (
                    "## Be excellent to each other\n\n"
                    "Furrydelphia is for everyone. Harassment of any kind is not tolerated.\n\n"
                    "- Ask before you hug or touch a fursuiter.\n"
                    "- Badges are worn and visible at all times.\n"
                    "- Report problems to any staffer in a **purple lanyard**, or call "
                    "[the safety line](tel:+12155550199).\n"
                ),
            ),
            (
                "Hotel",
                "hotel",
                2,
                (
                    "## Philadelphia Marriott Downtown\n\n"
                    "Our room block opens with registration. Book through the link in your "
                    "confirmation mail to get the convention rate.\n\n"
                    "| Room | Rate per night |\n| --- | --- |\n| King | $189 |\n"
                    "| Double Queen | $199 |\n"
                ),
            ),
            (
                "FAQ",
                "faq",
                3,
                (
                    "### Can I buy a badge at the door?\n\nYes, at the door price.\n\n"
                    "### Are minors welcome?\n\nYes, with a guardian's consent; children under "
                    "6 are free.\n"
                ),
            ),
        ],
    },
    "uproar": {
        "address": "320 West Jefferson Street\nLouisville, KY 40202",
        "city": "Louisville",
        "colours": ("#0f5132", "#ffffff"),
        "description": (
            "Uproar brings Louisville's fandoms together for a winter weekend of music, "
            "art, gaming and good company."
        ),
        "pages": [
            (
                "Code of conduct",
                "code-of-conduct",
                1,
                (
                    "## Our code of conduct\n\nBe kind, respect boundaries and follow staff "
                    "instructions. Weapons props must be peace-bonded at the badge desk.\n"
                ),
            ),
            (
                "Hotel",
                "hotel",
                2,
                (
                    "## Hyatt Regency Louisville\n\nThe convention is in the hotel; the skywalk "
                    "connects it to the Kentucky International Convention Center.\n"
                ),
            ),
        ],
    },
}


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
                        venue_address=DEMO_SITES[schema]["address"],
                        city=DEMO_SITES[schema]["city"],
                        is_active=True,
                    )
                    self._seed_registration(event)
                self._seed_site(DEMO_SITES[schema])
                listing_refresh_for_current_schema(tenant=tenant)
            self.stdout.write(f"  http://{host}:{port}/       {name}")
            self.stdout.write(f"  http://{host}:{port}/admin/ admin@{host} / {DEMO_PASSWORD}")

    def _seed_registration(self, event: Event) -> None:
        today = timezone.localdate()
        attendee = BadgeLevel.objects.create(
            event=event,
            name="Attendee",
            price=Decimal("75.00"),
            capacity=500,
            sort_order=1,
            description="Four days of panels, dealers and dances.",
        )
        # Early bird now, regular from a month before the con, the level price at the door.
        PriceTier.objects.bulk_create(
            [
                PriceTier(
                    level=attendee,
                    name="Early bird",
                    price=Decimal("55.00"),
                    starts_on=today - dt.timedelta(days=60),
                ),
                PriceTier(
                    level=attendee,
                    name="Regular",
                    price=Decimal("65.00"),
                    starts_on=event.start_date - dt.timedelta(days=30),
                ),
                PriceTier(
                    level=attendee,
                    name="At the door",
                    price=Decimal("75.00"),
                    starts_on=event.start_date,
                ),
            ]
        )
        BadgeLevel.objects.create(
            event=event,
            name="Sponsor",
            price=Decimal("150.00"),
            capacity=100,
            sort_order=2,
            description="Attendee, plus a sponsor ribbon and early entry.",
            age_rule=BadgeLevel.AgeRule.ADULTS_ONLY,
        )
        BadgeLevel.objects.create(
            event=event,
            name="Child",
            price=Decimal("25.00"),
            sort_order=3,
            age_rule=BadgeLevel.AgeRule.FREE_UNDER,
            free_under_age=6,
            description="For attendees under 18; free under 6.",
        )
        AddOn.objects.create(
            event=event,
            name="T-shirt",
            price=Decimal("20.00"),
            capacity=300,
            options=["S", "M", "L", "XL", "XXL"],
        )
        DiscountCode.objects.create(event=event, code="FRIEND10", kind="percent", amount=10)
        # Lifecycle features on: transfers, and cancelling with a refund until two weeks before.
        RegistrationSettings.objects.update_or_create(
            event=event,
            defaults={
                "transfers_allowed": True,
                "self_cancel_until": event.start_date - dt.timedelta(days=14),
            },
        )

    def _seed_site(self, site: dict) -> None:
        """Branding and content pages, added to demo tenants that lack them."""
        if not SiteBranding.objects.exists():
            colour, text_colour = site["colours"]
            SiteBranding.objects.create(
                brand_colour=colour, brand_text_colour=text_colour, description=site["description"]
            )
        for title, slug, order, body in site["pages"]:
            Page.objects.get_or_create(
                slug=slug, defaults={"title": title, "nav_order": order, "body": body}
            )
        Event.objects.filter(is_active=True, city="").update(
            city=site["city"], venue_address=site["address"]
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
