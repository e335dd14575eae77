"""The demo conventions as ``seed_demo`` makes them, app by app.

``seed_demo`` runs twice for the whole module — the second run must change nothing — and every
app's checks read that one seeded database. Seeding costs seconds; each app seeding twice for
itself cost a minute of the suite. It all happens inside one transaction, rolled back after the
module, so no other test sees the demo conventions."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Sum
from django.test import override_settings
from django_tenants.utils import tenant_context
from PIL import Image

from event.models import Event
from front.models import SiteBranding
from kiosk.models import CheckIn, PrintJob
from shop.models import Product, ShopOrder
from staff.models import Department, Job, Shift, Volunteer
from tenant.models import Membership, Tenant
from vendors.models import Application, VendorSettings

DEMO = {"furrydelphia": "#5b21b6", "uproar": "#0f5132"}
PICTURES = ("logo", "banner", "social_image", "favicon", "touch_icon")


def _forget_demo_media() -> None:
    for schema in DEMO:
        shutil.rmtree(Path(settings.MEDIA_ROOT) / schema, ignore_errors=True)


@pytest.fixture(scope="module")
def first_branding(django_db_setup, django_db_blocker) -> Iterator[dict[str, SiteBranding]]:
    """Seeds the demo twice; yields each convention's branding as the first run left it."""
    _forget_demo_media()
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DEV_MODE=True):  # seed_demo runs in dev mode only
            call_command("seed_demo", "--port", "8123", stdout=io.StringIO())
            first = {}
            for schema in DEMO:
                with tenant_context(Tenant.objects.get(schema_name=schema)):
                    first[schema] = SiteBranding.objects.get()
            call_command("seed_demo", "--port", "8123", stdout=io.StringIO())  # idempotent
        try:
            yield first
        finally:
            transaction.set_rollback(True)
            _forget_demo_media()


@pytest.fixture
def demo(first_branding, db) -> dict[str, SiteBranding]:
    return first_branding


def _each_convention() -> Iterator[tuple[str, Tenant]]:
    for schema in DEMO:
        tenant = Tenant.objects.get(schema_name=schema)
        with tenant_context(tenant):
            yield schema, tenant


def test_front_both_conventions_have_pictures_and_links_once(demo):
    for schema, _tenant in _each_convention():
        (branding,) = SiteBranding.objects.all()
        with Image.open(branding.banner.path) as banner:
            banner_size = banner.size
        folder = Path(settings.MEDIA_ROOT) / schema / "branding"
        names = [getattr(branding, name).name for name in PICTURES]
        assert names == [getattr(demo[schema], name).name for name in PICTURES]
        assert sorted(path.name for path in folder.iterdir()) == sorted(
            Path(name).name for name in names
        )
        assert banner_size == (1600, 600)
        assert branding.brand_colour == DEMO[schema]
        assert branding.banner_alt and branding.contact_email.endswith(".example")
        assert len(branding.social_links) >= 4


def test_kiosk_both_conventions_have_a_door_history_once(demo):
    for schema, tenant in _each_convention():
        checkins = list(CheckIn.objects.values_list("desk", flat=True))
        jobs = sorted(PrintJob.objects.values_list("status", flat=True))
        assert sorted(set(checkins)) == ["Desk 1", "Desk 2"] and len(checkins) == 8
        assert jobs == ["printed"] * 5 + ["queued"] * 3
        desk = Membership.objects.get(tenant=tenant, user__email=f"desk@{schema}.localhost")
        assert desk.roles == ["kiosk_operator"]


def test_staff_departments_shifts_and_volunteers_keep_the_rules(demo):
    for _schema, _tenant in _each_convention():
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


def test_vendors_applications_in_every_state_and_the_hall_never_over_allocated(demo):
    for _schema, _tenant in _each_convention():
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


def test_shop_has_products_and_paid_orders(demo):
    for _schema, _tenant in _each_convention():
        shirt = Product.objects.get(name="Convention shirt")
        assert shirt.variants.count() == 5
        assert Product.objects.get(name="Sponsor pin").badge_holders_only
        assert ShopOrder.objects.filter(status="paid").count() == 4
