"""The demo conventions' staffing, seeded through the services (so it keeps the rules)."""

import io

from django.core.management import call_command
from django.db.models import Count, F
from django_tenants.utils import tenant_context

from event.models import Event
from staff.models import Department, Job, Shift, Volunteer
from tenant.models import Tenant


def test_seed_demo_gives_both_conventions_departments_shifts_and_volunteers(settings, db):
    settings.DEV_MODE = True

    call_command("seed_demo", "--port", "8123", stdout=io.StringIO())
    call_command("seed_demo", "--port", "8123", stdout=io.StringIO())  # idempotent

    for schema in ("furrydelphia", "uproar"):
        with tenant_context(Tenant.objects.get(schema_name=schema)):
            this_year = Event.objects.get(is_active=True)
            next_year = Event.objects.exclude(pk=this_year.pk).get()
            departments = Department.objects.filter(event=this_year)
            assert departments.count() == 5
            assert departments.get(slug="logistics").parent.name == "Operations"
            # Next year's event starts from this year's set-up, without its people.
            copied = Department.objects.filter(event=next_year)
            assert set(copied.values_list("slug", flat=True)) == set(
                departments.values_list("slug", flat=True)
            )
            assert not Volunteer.objects.filter(event=next_year).exists()
            assert not Shift.objects.filter(job__department__event=next_year).exists()
            assert Job.objects.count() >= 30
            assert Volunteer.objects.filter(status="accepted").count() == 20
            assert Volunteer.objects.filter(status="applied").count() == 4
            assert 24 <= Shift.objects.count() <= 40
            overbooked = Job.objects.annotate(n=Count("shifts")).filter(n__gt=F("places"))
            assert not overbooked.exists()
