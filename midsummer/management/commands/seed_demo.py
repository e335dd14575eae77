from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, tenant_context

from midsummer.contract import DemoConvention, contracts
from tenant.models import Domain, Tenant, User
from tenant.services import membership_grant, tenant_create, user_create

DEMO_PASSWORD = "midsummer-demo"  # noqa: S105 - printed demo credentials, dev mode only
PUBLIC_HOST = "localhost"
# schema, name, host. Each tenant app seeds its part (its contract's ``seed_demo``), keeping
# its demo content keyed by the schema name.
DEMO_TENANTS = [
    ("furrydelphia", "Furrydelphia", "furrydelphia.localhost"),
    ("uproar", "Uproar", "uproar.localhost"),
]


class Command(BaseCommand):
    help = (
        "Create the demo conventions (furrydelphia, uproar) with org admins, and let every "
        "tenant app add its demo data. Idempotent. Dev mode only."
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
        for schema, name, host in DEMO_TENANTS:
            tenant = Tenant.objects.filter(schema_name=schema).first()
            if tenant is None:
                self.stdout.write(f"  creating tenant {schema} …")
                tenant = tenant_create(schema_name=schema, name=name, domain=host)
            admin = self._ensure_user(f"admin@{host}", f"{name} Org Admin")
            membership_grant(user=admin, tenant=tenant, is_tenant_superuser=True)
            demo = DemoConvention(
                tenant=tenant,
                key=schema,
                name=name,
                host=host,
                port=port,
                today=timezone.localdate(),
                admin=admin,
            )
            with tenant_context(tenant):
                for contract in contracts():
                    contract.seed_demo(demo)
                more = [line for c in contracts() for line in c.seed_demo_finish(demo)]
            self.stdout.write(f"  http://{host}:{port}/       {name}")
            for line in more:
                self.stdout.write(f"  {line}")
            self.stdout.write(f"  http://{host}:{port}/admin/ admin@{host} / {DEMO_PASSWORD}")

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
