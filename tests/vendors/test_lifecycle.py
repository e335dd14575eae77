"""After approval: the invoice with extras and partners, the reminder before the deadline,
cancelling (the dealer's withdrawal, the lead's with a refund through the provider), and the
badges that come with a paid table — issued by ``register``, cancelled with the table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
import responses
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from event.models import Event
from event.services import event_generate_properties
from register.models import BadgeLevel, Order
from register.selectors import registration_by_checkin_token
from tenant.roles import Role
from tests.clients import PersonClient
from tests.conftest import TENANT_HOSTS
from tests.factories.tenant import PASSWORD, MembershipFactory, UserFactory
from tests.vendors.conftest import apply
from vendors.models import Application, Extra, HallTable, VendorSettings
from vendors.services import (
    ApplicationInput,
    application_cancel,
    application_decide,
    application_submit,
    dealer_badge_issue,
    hall_layout_set,
    invoice_pay,
    invoices_send_reminders,
    tables_place,
)

REFUNDS_URL = "https://api.stripe.com/v1/refunds"
PERSON = {
    "legal_name": "Robin Fox",
    "badge_name": "Foxy",
    "birthdate": dt.date(1990, 5, 17),
    "phone": "+1 215 555 0100",
    "emergency_contact": "Sam, +1 215 555 0199",
}


def _client(user) -> Client:
    client = PersonClient(HTTP_HOST=TENANT_HOSTS["alpha"])
    client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    return client


def _approve(application: Application) -> Application:
    return application_decide(application_id=application.pk, decision="approved")


def _pay(application: Application) -> Application:
    return invoice_pay(reference=application.reference, amount=application.total)


def test_the_invoice_adds_the_extras_and_the_partners_badges(den):
    den.settings.partner_price = Decimal("30.00")
    den.settings.save()
    power = Extra.objects.create(event=den.event, name="Power", price=Decimal("25.00"))
    chair = Extra.objects.create(event=den.event, name="Chair", price=Decimal("5.00"))
    application = application_submit(
        event=den.event,
        account=UserFactory(),
        data=ApplicationInput(
            business_name="Foxy Prints",
            contact_name="Robin",
            wares="Prints",
            table_type=den.half,
            tables=2,
            extras=(power, chair),
            partners=2,
        ),
    )

    approved = _approve(application)

    # 2 × 60 + 25 + 5 + 2 × 30
    assert approved.total == Decimal("210.00")


def test_too_many_partners_and_another_events_extras_are_refused_with_the_reason(den, tenant_a):
    dealer = _client(UserFactory())
    other_event = Event.objects.create(
        name="Other", slug="other-den", start_date=dt.date(2031, 1, 1), end_date=dt.date(2031, 1, 2)
    )
    foreign = Extra.objects.create(event=other_event, name="Power", price=Decimal("1.00"))
    form = {
        "business_name": "Foxy",
        "contact_name": "Robin",
        "wares": "Prints",
        "table_type": den.half.pk,
        "tables": 1,
    }

    too_many = dealer.post("/dealers/apply/", {**form, "partners": 2})
    other_extra = dealer.post("/dealers/apply/", {**form, "extras": [foreign.pk]})

    assert too_many.status_code == 400
    assert "At most 1 partners with 1 tables." in too_many.content.decode()
    assert other_extra.status_code == 400
    assert not Application.objects.filter(business_name="Foxy").exists()


def test_an_unpaid_dealer_is_reminded_once_before_the_deadline(
    den, django_capture_on_commit_callbacks
):
    unpaid = _approve(apply(den, business="Late Lynx"))
    paid = _pay(_approve(apply(den, business="Prompt Puma")))
    later = unpaid.due_at - dt.timedelta(days=2)  # inside the 3 days' reminder
    too_early = unpaid.due_at - dt.timedelta(days=5)

    early = invoices_send_reminders(now=too_early)
    with django_capture_on_commit_callbacks(execute=True):
        first = invoices_send_reminders(now=later)
    again = invoices_send_reminders(now=later + dt.timedelta(hours=1))

    assert (early, first, again) == (0, 1, 0)
    assert [m.subject for m in mail.outbox] == ["Den Con dealers' den: Your invoice is due soon"]
    assert "Late Lynx" in mail.outbox[0].body and "waiting list" in mail.outbox[0].body
    paid.refresh_from_db()
    assert paid.reminded_at is None


def test_a_dealer_withdraws_and_gives_back_tables_which_go_to_the_waiting_list(den, tenant_a):
    den.settings.hall_tables = 1
    den.settings.save()
    owner = UserFactory()
    mine = _approve(apply(den, business="Giving Back", account=owner))
    waiting = application_decide(application_id=apply(den).pk, decision="waitlisted")
    dealer = _client(owner)

    unsure = dealer.post("/dealers/mine/cancel/")
    response = dealer.post("/dealers/mine/cancel/", {"confirm": "yes"}, follow=True)

    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert unsure.status_code == 400 and "Tick the box" in unsure.content.decode()
    assert "Your application is cancelled." in response.content.decode()
    assert (mine.status, mine.hall_tables) == ("cancelled", 0)
    assert waiting.status == "approved"  # the freed table is offered at once


def test_a_paid_dealer_cannot_cancel_themselves_the_lead_cancels_and_refunds(den, tenant_a):
    owner = UserFactory()
    paid = _pay(_approve(apply(den, business="Paid Up", account=owner)))
    hall_layout_set(event=den.event, rows=1, per_row=3)
    tables_place(application_id=paid.pk, labels=["A1"])
    lead = _client(MembershipFactory(tenant=tenant_a, roles=[Role.VENDOR_LEAD]).user)

    by_dealer = _client(owner).post("/dealers/mine/cancel/", {"confirm": "yes"})
    by_lead = lead.post(f"/dealers/review/{paid.pk}/cancel/", {"note": "moved away"})
    twice = lead.post(f"/dealers/review/{paid.pk}/cancel/")

    paid.refresh_from_db()
    assert by_dealer.status_code == 409
    assert "write to the vendor lead" in by_dealer.content.decode()
    assert by_lead.status_code == 302 and twice.status_code == 409
    assert (paid.status, paid.refunded_total, paid.table_numbers) == ("cancelled", paid.total, "")
    assert not HallTable.objects.filter(application=paid).exists()


@responses.activate
def test_a_card_payment_is_refunded_through_stripe_and_a_refusal_changes_nothing(den, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_midsummer"
    paid = _pay(_approve(apply(den)))
    Application.objects.filter(pk=paid.pk).update(provider="stripe", provider_reference="pi_42")
    responses.post(REFUNDS_URL, status=402, json={"error": {"message": "No."}})
    responses.post(REFUNDS_URL, json={"id": "re_1", "object": "refund", "status": "succeeded"})

    with pytest.raises(Exception):  # noqa: B017 — Stripe's own error, whatever its class
        application_cancel(application_id=paid.pk)
    paid.refresh_from_db()
    still = paid.status
    application_cancel(application_id=paid.pk)

    paid.refresh_from_db()
    sent = parse_qs(responses.calls[-1].request.body)
    assert still == "paid"
    assert sent == {"payment_intent": ["pi_42"], "amount": [str(int(paid.total * 100))]}
    assert (paid.status, paid.refunded_total) == ("cancelled", paid.total)


@pytest.fixture
def dealer_level(den):
    level = BadgeLevel.objects.create(
        event=den.event, name="Dealer", price=0, is_hidden=True, badge_kind="dealer"
    )
    event_generate_properties(event=den.event)
    VendorSettings.objects.filter(pk=den.settings.pk).update(badge_level=level)
    return level


def test_a_paid_table_comes_with_the_dealers_and_partners_badges_numbered_as_dealers(
    den, dealer_level
):
    owner = UserFactory()
    application = apply(den, account=owner)
    Application.objects.filter(pk=application.pk).update(partners=1)
    approved = _approve(application)

    with pytest.raises(ValidationError, match="come with a paid table"):
        dealer_badge_issue(application_id=approved.pk, account=owner, email=owner.email, **PERSON)
    paid = _pay(approved)
    mine = dealer_badge_issue(application_id=paid.pk, account=owner, email=owner.email, **PERSON)
    partner = dealer_badge_issue(
        application_id=paid.pk, account=owner, email="partner@example.org", **PERSON
    )
    with pytest.raises(ValidationError, match="comes with 2 badges"):
        dealer_badge_issue(
            application_id=paid.pk, account=owner, email="third@example.org", **PERSON
        )
    with pytest.raises(ValidationError, match="paid table"):  # only the dealer names them
        dealer_badge_issue(application_id=paid.pk, account=UserFactory(), email="x@y.z", **PERSON)

    assert [mine.badge_number, partner.badge_number] == [150, 151]
    assert partner.email == "partner@example.org" and partner.level == dealer_level
    assert registration_by_checkin_token(token=partner.checkin_token) == partner


def test_a_cancelled_tables_badges_never_check_in(den, dealer_level):
    owner = UserFactory()
    paid = _pay(_approve(apply(den, account=owner)))
    badge = dealer_badge_issue(application_id=paid.pk, account=owner, email=owner.email, **PERSON)

    application_cancel(application_id=paid.pk, note="no show")

    badge.order.refresh_from_db()
    assert badge.order.status == Order.Status.CANCELLED
    assert registration_by_checkin_token(token=badge.checkin_token) is None


def test_the_dealer_names_badges_on_their_page_with_clear_refusals(den, dealer_level):
    owner = UserFactory()
    paid = _pay(_approve(apply(den, account=owner)))
    dealer = _client(owner)
    form = {**PERSON, "birthdate": "1990-05-17", "email": owner.email}

    page = dealer.get("/dealers/mine/").content.decode()
    issued = dealer.post("/dealers/mine/badges/", form, follow=True)
    full = dealer.post("/dealers/mine/badges/", {**form, "email": "p@example.org"})
    bad = dealer.post("/dealers/mine/badges/", {**form, "birthdate": "soon"})

    assert "1 badge left to name" in page
    assert "The badge of Foxy is issued" in issued.content.decode()
    assert full.status_code == 409 and "all of them are named" in full.content.decode()
    assert bad.status_code == 400
    assert paid.badges.count() == 1


def test_reminders_run_only_for_approved_invoices_in_the_window(den):
    application = _approve(apply(den))
    now = timezone.now()
    Application.objects.filter(pk=application.pk).update(due_at=now - dt.timedelta(hours=1))

    assert invoices_send_reminders(now=now) == 0  # past due: the deadline pass handles it
