"""The demo conventions' door, as ``seed_demo`` makes it: once, however often it runs."""

import io

from django.core.management import call_command
from django_tenants.utils import tenant_context

from kiosk.models import CheckIn, PrintJob
from tenant.models import Membership, Tenant


def test_seed_demo_gives_both_conventions_a_door_history_once(settings, db):
    settings.DEV_MODE = True  # seed_demo runs in dev mode only

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # again: nothing changes

    for schema, host in [
        ("furrydelphia", "furrydelphia.localhost"),
        ("uproar", "uproar.localhost"),
    ]:
        tenant = Tenant.objects.get(schema_name=schema)
        with tenant_context(tenant):
            checkins = list(CheckIn.objects.values_list("desk", flat=True))
            jobs = sorted(PrintJob.objects.values_list("status", flat=True))
        assert sorted(set(checkins)) == ["Desk 1", "Desk 2"] and len(checkins) == 8
        assert jobs == ["printed"] * 5 + ["queued"] * 3
        desk = Membership.objects.get(tenant=tenant, user__email=f"desk@{host}")
        assert desk.roles == ["kiosk_operator"]
