"""The REST API on a convention's host: its schema and docs, the scopes an application was
given and the roles of people, registrations with filters, cursor pages and ETags, check-in
redeem once per nonce, problem details for every refusal."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

from django.core.management import call_command
from django.utils import timezone
from django_tenants.utils import tenant_context
from drf_spectacular.validation import validate_schema

from kiosk.models import CheckIn, Device
from register.models import BadgeLevel
from register.services import order_place
from schedule.models import Slot
from schedule.services import release_create
from tenant.lifecycle import tenant_set_state
from tenant.models import Tenant
from tenant.roles import Role
from tenant.routing import resolver
from tests.api.conftest import PRIVATE_NAME, api_client, person_token, token_for
from tests.factories.register import attendee
from tests.factories.schedule import RoomFactory
from tests.factories.tenant import MembershipFactory, UserFactory
from tests.schedule.conftest import make_programme
from tests.vendors.conftest import apply
from vendors.models import Application, TableType, VendorSettings


def test_the_schema_is_valid_openapi_and_the_docs_are_served_from_here(tenant_a):
    schema = api_client("alpha").get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    docs = api_client("alpha").get("/api/v1/docs/")

    validate_schema(schema.json())
    assert schema.status_code == 200
    assert "/api/v1/registrations/" in schema.json()["paths"]
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "cdn" not in page.lower() and "/static/drf_spectacular_sidecar/" in page
    assert not re.search(r"<script>[^<]", page)  # no inline script: the CSP refuses them
    policy = docs["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "style-src 'self' 'unsafe-inline'" in policy


def test_registrations_with_filters_cursor_pages_and_a_304_for_what_the_client_has(
    tenant_a, convention
):
    token, _app = token_for(tenant_a, scopes="registrations:read")
    client = api_client("alpha", token)
    with tenant_context(tenant_a):
        for n in range(2):
            order_place(
                event=convention.event,
                account=UserFactory(),
                attendees=[attendee(convention.level, legal_name=f"Pending {n}")],
                provider="simulated",
            )

    everything = client.get("/api/v1/registrations/")
    paid = client.get("/api/v1/registrations/", {"status": "paid"})
    first_page = client.get("/api/v1/registrations/", {"page_size": 2})
    second_page = client.get(first_page.json()["next"])
    again = client.get("/api/v1/registrations/", HTTP_IF_NONE_MATCH=everything["ETag"])
    later = timezone.now() + dt.timedelta(minutes=1)
    unchanged = client.get("/api/v1/registrations/", {"changed_since": later.isoformat()})
    bad = client.get("/api/v1/registrations/", {"status": "lost", "changed_since": "soon"})

    assert everything.status_code == 200 and len(everything.json()["results"]) == 3
    assert [r["legal_name"] for r in paid.json()["results"]] == [PRIVATE_NAME]
    row = paid.json()["results"][0]
    assert row["order"]["status"] == "paid" and row["badge_number"] is not None
    assert "checkin_token" not in row
    assert len(first_page.json()["results"]) == 2 and len(second_page.json()["results"]) == 1
    assert again.status_code == 304
    assert unchanged.json()["results"] == []
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"
    assert set(bad.json()["errors"]) == {"status", "changed_since"}


def test_a_scope_the_application_was_not_given_is_refused_at_the_token(tenant_a, convention):
    token, _app = token_for(tenant_a, scopes="registrations:read", granted="checkin:write")
    narrow, _app = token_for(tenant_a, scopes="checkin:write", granted="checkin:write")

    listing = api_client("alpha", narrow).get("/api/v1/registrations/")

    assert token == ""  # invalid_scope: no token
    assert listing.status_code == 403
    assert listing.json()["detail"] == "This token does not carry the scope registrations:read."


def test_a_persons_token_is_bounded_by_their_role_here(tenant_a, convention):
    lead = MembershipFactory(tenant=tenant_a, roles=[Role.REGISTRATION_LEAD]).user
    volunteer = MembershipFactory(tenant=tenant_a, roles=[Role.SHOP_DESK]).user

    as_lead = api_client("alpha", person_token(tenant_a, lead)).get("/api/v1/registrations/")
    as_desk = api_client("alpha", person_token(tenant_a, volunteer)).get("/api/v1/registrations/")

    assert as_lead.status_code == 200
    assert as_desk.status_code == 403 and "role" in as_desk.json()["detail"]


def test_a_device_redeems_a_badge_once_whatever_it_retries(tenant_a, convention):
    token, app = token_for(tenant_a, scopes="checkin:write")
    stranger, _app = token_for(tenant_a, scopes="checkin:write")
    with tenant_context(tenant_a):
        Device.objects.create(name="Door API", application_id=app.pk)
    device = api_client("alpha", token)
    scan = {"secret": convention.registration.checkin_token, "nonce": "scan-1"}

    first = device.post("/api/v1/checkin/redeem/", scan, content_type="application/json")
    retry = device.post("/api/v1/checkin/redeem/", scan, content_type="application/json")
    second = device.post(
        "/api/v1/checkin/redeem/", {**scan, "nonce": "scan-2"}, content_type="application/json"
    )
    unknown = device.post(
        "/api/v1/checkin/redeem/", {"secret": "x", "nonce": "n"}, content_type="application/json"
    )
    no_nonce = device.post(
        "/api/v1/checkin/redeem/", {"secret": "x"}, content_type="application/json"
    )
    not_a_device = api_client("alpha", stranger).post(
        "/api/v1/checkin/redeem/", scan, content_type="application/json"
    )

    assert (first.status_code, first.json()["status"]) == (201, "ok")
    assert retry.status_code == 200 and retry.json()["duplicate"] is True
    assert second.status_code == 409 and second.json()["reason"] == "already_redeemed"
    assert unknown.status_code == 404 and unknown.json()["reason"] == "invalid"
    assert no_nonce.status_code == 400 and "nonce" in no_nonce.json()["errors"]
    assert not_a_device.status_code == 403
    with tenant_context(tenant_a):
        assert CheckIn.objects.count() == 1


def test_the_public_reads_need_no_token_and_show_nothing_private(tenant_a, convention):
    with tenant_context(tenant_a):
        BadgeLevel.objects.create(
            event=convention.event, name="Secret staff", price=0, is_hidden=True
        )
    anonymous = api_client("alpha")

    event = anonymous.get("/api/v1/event/")
    sessions = anonymous.get("/api/v1/schedule/sessions/")
    products = anonymous.get("/api/v1/shop/products/")
    private = anonymous.get("/api/v1/registrations/")

    assert event.status_code == 200
    assert [level["name"] for level in event.json()["badge_levels"]] == ["Attendee"]
    assert event.json()["badge_levels"][0]["price_today"] == "50.00"
    assert sessions.status_code == 200 and sessions.json()["results"] == []
    assert products.status_code == 200 and products.json() == []
    assert private.status_code == 401 and private["WWW-Authenticate"].startswith("Bearer")


def test_the_released_rooms_and_versions_are_public_and_stay_with_their_convention(
    tenant_a, tenant_b
):
    with tenant_context(tenant_a):
        programme = make_programme(sessions=3, rooms=2)
        RoomFactory(event=programme.event, name="Unused Hall", position=9)
        moved = Slot.objects.get(submission=programme.sessions[0])
        moved.start += dt.timedelta(hours=2)
        moved.save()
        release_create(event=programme.event, by_id=None, comment="Panel 0 later")

    rooms = api_client("alpha").get("/api/v1/schedule/rooms/")
    versions = api_client("alpha").get("/api/v1/schedule/releases/")
    at_beta = api_client("beta").get("/api/v1/schedule/releases/")

    assert rooms.status_code == 200 and "ETag" in rooms
    assert [room["name"] for room in rooms.json()] == ["Main Stage", "Room B"]  # not unused
    assert rooms.json()[0]["guid"] == str(programme.rooms[0].guid)
    assert [v["version"] for v in versions.json()] == [2, 1]
    latest = versions.json()[0]
    assert latest["comment"] == "Panel 0 later"
    assert [(c["title"], c["before"]["room"]) for c in latest["changelog"]["moved"]] == [
        ("Panel 0", "Main Stage")
    ]
    assert at_beta.status_code in (200, 404) and "Panel 0" not in at_beta.content.decode()


def test_the_schema_generates_without_a_warning(tmp_path):
    call_command(
        "spectacular",
        validate=True,
        fail_on_warn=True,
        urlconf="midsummer.urls_tenant",
        file=str(tmp_path / "schema.yaml"),
    )

    assert "/api/v1/vendors/dealers/" in (tmp_path / "schema.yaml").read_text()


def test_dealers_and_shifts_for_their_scopes_and_roles_without_contact_details(
    tenant_a, convention
):
    with tenant_context(tenant_a):
        now = timezone.now()
        settings = VendorSettings.objects.create(
            event=convention.event,
            hall_tables=10,
            opens_at=now - dt.timedelta(days=1),
            closes_at=now + dt.timedelta(days=30),
        )
        half = TableType.objects.create(event=convention.event, name="Half", price=60)
        den = SimpleNamespace(event=convention.event, settings=settings, half=half)
        application = apply(den, business="Foxy Prints")
        Application.objects.filter(pk=application.pk).update(tax_id="TAX-SECRET-1")
    token, _app = token_for(tenant_a, scopes="vendors:read staff:read")
    juror = MembershipFactory(tenant=tenant_a, roles=[Role.VENDOR_REVIEWER]).user
    desk = MembershipFactory(tenant=tenant_a, roles=[Role.SHOP_DESK]).user

    dealers = api_client("alpha", token).get("/api/v1/vendors/dealers/")
    pending = api_client("alpha", token).get("/api/v1/vendors/dealers/", {"status": "paid"})
    shifts = api_client("alpha", token).get("/api/v1/staff/shifts/")
    as_juror = api_client("alpha", person_token(tenant_a, juror)).get("/api/v1/vendors/dealers/")
    as_desk = api_client("alpha", person_token(tenant_a, desk)).get("/api/v1/staff/shifts/")

    assert [d["business_name"] for d in dealers.json()["results"]] == ["Foxy Prints"]
    assert b"TAX-SECRET-1" not in dealers.content and b"owner" not in dealers.content
    assert pending.json()["results"] == []
    assert shifts.status_code == 200 and shifts.json()["results"] == []
    assert as_juror.status_code == 200
    assert as_desk.status_code == 403


def test_an_archived_convention_is_read_through_the_api_and_refuses_every_write(
    tenant_a, convention
):
    token, app = token_for(tenant_a)
    with tenant_context(tenant_a):
        Device.objects.create(name="Door", application_id=app.pk)
    tenant_set_state(tenant=Tenant.objects.get(pk=tenant_a.pk), state=Tenant.State.ARCHIVED)
    resolver.invalidate()  # its NOTIFY would come at commit, which a test transaction never does
    client = api_client("alpha", token)

    listing = client.get("/api/v1/registrations/")
    redeem = client.post(
        "/api/v1/checkin/redeem/",
        {"secret": convention.registration.checkin_token, "nonce": "late"},
        content_type="application/json",
    )

    assert listing.status_code == 200 and len(listing.json()["results"]) == 1
    assert redeem.status_code == 403
    assert redeem["Content-Type"] == "application/problem+json"
    assert redeem.json()["reason"] == "archived"
    with tenant_context(tenant_a):
        assert not CheckIn.objects.exists()
