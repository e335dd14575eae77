"""The hall: a layout of numbered tables, paid dealers placed on exactly their tables under the
hall's lock, near/far requests checked, and the public den's map."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django_tenants.utils import schema_context, tenant_context

from event.models import Event
from tenant.models import Tenant, User
from tenant.roles import Role
from tests.clients import PersonClient
from tests.concurrency import run_at_once
from tests.conftest import TENANT_HOSTS
from tests.factories.tenant import PASSWORD, MembershipFactory
from tests.vendors.conftest import apply, make_den
from vendors import selectors
from vendors.models import Application, HallTable
from vendors.services import (
    application_decide,
    hall_layout_set,
    invoice_pay,
    tables_place,
)


def _paid(den, business: str, *, tables: int = 1, near: str = "", far: str = ""):
    application = apply(den, business=business, tables=tables)
    Application.objects.filter(pk=application.pk).update(seat_near=near, seat_far=far)
    application = application_decide(application_id=application.pk, decision="approved")
    return invoice_pay(reference=application.reference, amount=application.total)


def _lead(tenant) -> Client:
    client = PersonClient(HTTP_HOST=TENANT_HOSTS[tenant.schema_name])
    lead = MembershipFactory(tenant=tenant, roles=[Role.VENDOR_LEAD]).user
    client.post("/accounts/login/", {"username": lead.email, "password": PASSWORD})
    return client


def test_a_paid_dealer_is_placed_on_exactly_their_tables(den):
    hall_layout_set(event=den.event, rows=2, per_row=5)
    two = _paid(den, "Two Tables", tables=2)
    one = _paid(den, "One Table")

    with pytest.raises(ValidationError, match="name exactly 2"):
        tables_place(application_id=two.pk, labels=["A1"])
    with pytest.raises(ValidationError, match="no table Z9"):
        tables_place(application_id=two.pk, labels=["A1", "Z9"])
    tables_place(application_id=two.pk, labels=["a1", "A2"])
    with pytest.raises(ValidationError, match="Table A2 is Two Tables's"):
        tables_place(application_id=one.pk, labels=["A2"])
    moved = tables_place(application_id=two.pk, labels=["B1", "B2"])  # moving frees A1, A2
    tables_place(application_id=one.pk, labels=["A2"])

    seats = dict(
        HallTable.objects.filter(application__isnull=False).values_list("label", "application")
    )
    assert seats == {"B1": two.pk, "B2": two.pk, "A2": one.pk}
    assert moved.table_numbers == "B1 B2"


def test_only_paid_dealers_are_placed_and_a_layout_with_dealers_on_it_stays(den):
    hall_layout_set(event=den.event, rows=1, per_row=4)
    approved = application_decide(application_id=apply(den).pk, decision="approved")
    paid = _paid(den, "Paid")

    with pytest.raises(ValidationError, match="Only paid dealers"):
        tables_place(application_id=approved.pk, labels=["A1"])
    tables_place(application_id=paid.pk, labels=["A1"])
    with pytest.raises(ValidationError, match="take them off it first"):
        hall_layout_set(event=den.event, rows=3, per_row=3)
    with pytest.raises(ValidationError, match="1 to 26 rows"):
        hall_layout_set(event=den.event, rows=0, per_row=3)

    assert HallTable.objects.filter(event=den.event).count() == 4


def test_requests_to_sit_near_or_away_are_checked_where_dealers_sit(den):
    hall_layout_set(event=den.event, rows=3, per_row=10)
    fox = _paid(den, "Foxy Prints", near="otter ink, Nobody Here")
    otter = _paid(den, "Otter Ink")
    wolf = _paid(den, "Wolf Woodshop", far="Foxy Prints")
    tables_place(application_id=fox.pk, labels=["A1"])
    tables_place(application_id=otter.pk, labels=["A9"])  # 8 apart: not near
    tables_place(application_id=wolf.pk, labels=["B2"])  # diagonal neighbour of A1

    warnings = {
        (w.application.business_name, w.other, w.wanted_near, w.distance)
        for w in selectors.seating_warnings(event=den.event)
    }
    tables_place(application_id=otter.pk, labels=["A3"])
    tables_place(application_id=wolf.pk, labels=["C9"])
    after = selectors.seating_warnings(event=den.event)

    assert warnings == {
        ("Foxy Prints", "Otter Ink", True, 8),
        ("Wolf Woodshop", "Foxy Prints", False, 1),
    }
    assert after == []


def test_the_lead_lays_out_and_places_on_the_hall_page_and_the_den_shows_the_map(den, tenant_a):
    fox = _paid(den, "Foxy Prints", far="Otter Ink")
    otter = _paid(den, "Otter Ink")
    lead = _lead(tenant_a)

    laid = lead.post("/dealers/hall/layout/", {"rows": 2, "per_row": 6})
    bad_layout = lead.post("/dealers/hall/layout/", {"rows": 40, "per_row": 6})
    placed = lead.post("/dealers/hall/place/", {"application": fox.pk, "labels": "A1"}, follow=True)
    near = lead.post("/dealers/hall/place/", {"application": otter.pk, "labels": "A2"}, follow=True)
    taken = lead.post("/dealers/hall/place/", {"application": otter.pk, "labels": "A1"})
    unknown = lead.post("/dealers/hall/place/", {"application": "x", "labels": "A1"})
    den_page = PersonClient(HTTP_HOST=TENANT_HOSTS["alpha"]).get("/dealers/").content.decode()

    assert laid.status_code == 302 and bad_layout.status_code == 400
    assert "Foxy Prints: A1." in placed.content.decode()
    assert "asked to sit away from Otter Ink: they are 1 table apart" in near.content.decode()
    assert taken.status_code == 409 and "Table A1 is Foxy Prints" in taken.content.decode()
    assert unknown.status_code == 400
    assert den_page.count("vendors-map-taken") == 2 and "Map of the hall" in den_page


def test_placing_is_for_the_vendor_lead_of_this_convention(den, tenant_a, tenant_b):
    jury = PersonClient(HTTP_HOST=TENANT_HOSTS["alpha"])
    juror = MembershipFactory(tenant=tenant_a, roles=[Role.VENDOR_REVIEWER]).user
    jury.post("/accounts/login/", {"username": juror.email, "password": PASSWORD})
    other_lead = _lead(tenant_b)
    other_lead.defaults["HTTP_HOST"] = TENANT_HOSTS["alpha"]

    assert jury.get("/dealers/hall/").status_code == 403
    assert jury.post("/dealers/hall/layout/", {"rows": 1, "per_row": 1}).status_code == 403
    assert other_lead.get("/dealers/hall/").status_code in (302, 403)
    assert not HallTable.objects.exists()


@pytest.fixture
def committed_hall(committed):
    alpha = Tenant.objects.get(schema_name="alpha")
    with tenant_context(alpha):
        den = make_den(hall_tables=10)
        den.event.is_active = False
        den.event.save(update_fields=["is_active"])
        hall_layout_set(event=den.event, rows=1, per_row=4)
        dealers = [_paid(den, f"Racer {n}") for n in range(4)]
    try:
        yield alpha, dealers
    finally:
        with tenant_context(alpha):
            accounts = list(Application.objects.values_list("account_id", flat=True))
            HallTable.objects.filter(event=den.event).delete()
            Application.objects.filter(event=den.event).delete()
            Event.objects.filter(pk=den.event.pk).delete()
        with schema_context("public"):
            User.objects.filter(pk__in=accounts).delete()


def test_four_leads_placing_four_dealers_on_one_table_at_once_seat_one(committed_hall):
    alpha, dealers = committed_hall

    def place(application):
        with tenant_context(alpha):
            return tables_place(application_id=application.pk, labels=["A2"])

    results = run_at_once(place, dealers)

    assert sum(isinstance(r, Application) for r in results) == 1
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 3 and all("Table A2 is" in " ".join(r.messages) for r in refused)
    with tenant_context(alpha):
        assert HallTable.objects.get(label="A2").application_id in {d.pk for d in dealers}
        assert Application.objects.exclude(table_numbers="").count() == 1
