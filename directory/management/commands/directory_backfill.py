from django.core.management.base import BaseCommand
from django_tenants.utils import tenant_context

from directory.services import attendee_record, listing_refresh
from midsummer.contract import attendee_account_ids
from tenant.selectors import active_tenants


class Command(BaseCommand):
    help = (
        "Rebuild the public directory rows (listings, who registered where) from every active "
        "tenant schema. Normally they are kept up to date as events and orders change; run this "
        "once after installing the directory, or to repair it."
    )

    def handle(self, *args, **options) -> None:
        for tenant in active_tenants():
            with tenant_context(tenant):
                listing_refresh(tenant=tenant)
                for account_id in sorted(attendee_account_ids()):
                    attendee_record(user_id=account_id, tenant=tenant)
            self.stdout.write(f"{tenant.schema_name}: directory row refreshed")
