"""The demo conventions' dealers' den, seeded through the services: applications in every
state, the hall never over-allocated."""

import io

from django.core.management import call_command
from django.db.models import Sum
from django_tenants.utils import tenant_context

from event.models import Event
from tenant.models import Tenant
from vendors.models import Application, VendorSettings


def test_seed_demo_gives_both_conventions_a_den_with_applications_in_every_state(settings, db):
    settings.DEV_MODE = True

    call_command("seed_demo", "--port", "8123", stdout=io.StringIO())
    call_command("seed_demo", "--port", "8123", stdout=io.StringIO())  # idempotent

    for schema in ("furrydelphia", "uproar"):
        with tenant_context(Tenant.objects.get(schema_name=schema)):
            this_year = Event.objects.get(is_active=True)
            hall = VendorSettings.objects.get(event=this_year).hall_tables
            next_years = VendorSettings.objects.exclude(event=this_year).get()
            assert next_years.hall_tables == hall  # copied for next year's den
            states = set(Application.objects.values_list("status", flat=True))
            held = Application.objects.filter(status__in=["approved", "paid"]).aggregate(
                n=Sum("hall_tables")
            )["n"]
            assert Application.objects.count() == 12
            assert states == {"pending", "approved", "paid", "waitlisted", "declined"}
            assert held <= hall
            assert Application.objects.filter(status="paid").exclude(table_numbers="").count() == 4
