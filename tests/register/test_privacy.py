"""Privacy: an attendee's data export and deletion stay within one convention; the organizer's
anonymization after the event keeps counts and revenue identical."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Sum
from django_tenants.utils import tenant_context

from event.services import minor_cutoff_for
from register.models import Registration, WaitlistEntry
from register.selectors import registration_timeline, report_totals
from register.services import order_mark_paid, order_place, registrations_anonymize_after_event
from tests.factories.event import EventFactory
from tests.factories.register import AddOnFactory, BadgeLevelFactory, QuestionFactory, attendee
from tests.factories.tenant import UserFactory


def _buy(account, event=None, **person):
    event = event or EventFactory(is_active=True, start_date=dt.date(2031, 7, 1))
    level = BadgeLevelFactory(event=event, price=Decimal("60.00"))
    shirt = AddOnFactory(event=event, name="T-shirt", options=["M", "L"])
    question = QuestionFactory(event=event, label="Favourite animal")
    order = order_place(
        event=event,
        account=account,
        provider="simulated",
        attendees=[
            attendee(level, add_ons=((shirt.pk, "L"),), answers={question.pk: "Otter"}, **person)
        ],
    )
    order_mark_paid(order_id=order.pk, amount=order.total)
    return order


@pytest.fixture
def person(tenant_a, tenant_b):
    account = UserFactory(email="robin@example.org")
    with tenant_context(tenant_a):
        alpha_order = _buy(account, legal_name="Robin Fox", phone="+1 555 0100")
        WaitlistEntry.objects.create(
            level=alpha_order.registrations.get().level,
            account_id=account.pk,
            email=account.email,
        )
    with tenant_context(tenant_b):
        beta_order = _buy(account, legal_name="Robin Beta-Fox", phone="+49 30 555 0100")
    return account, alpha_order, beta_order


def test_data_export_has_everything_here_and_nothing_from_another_tenant(person, client_a, log_in):
    account, alpha_order, beta_order = person

    response = log_in(client_a, account).get("/my-data/")

    data = json.loads(response.content)
    (registration,) = data["register"]["registrations"]
    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    assert data["convention"] == "Alpha"
    assert [o["reference"] for o in data["register"]["orders"]] == [alpha_order.reference]
    assert (registration["legal_name"], registration["phone"]) == ("Robin Fox", "+1 555 0100")
    assert registration["add_ons"] == [{"name": "T-shirt", "option": "L"}]
    assert registration["answers"] == [{"question": "Favourite animal", "answer": "Otter"}]
    assert [w["status"] for w in data["register"]["waiting_lists"]] == ["waiting"]
    assert beta_order.reference not in response.content.decode()
    assert "Beta-Fox" not in response.content.decode()


def test_deletion_anonymizes_here_and_never_touches_another_tenant(
    person, client_a, tenant_a, tenant_b, log_in
):
    account, alpha_order, beta_order = person

    response = log_in(client_a, account).post("/my-data/delete/")

    with tenant_context(tenant_a):
        alpha = Registration.objects.get(order=alpha_order)
        alpha_history = list(alpha.history.values_list("legal_name", flat=True))
        alpha_order.refresh_from_db()
    with tenant_context(tenant_b):
        beta = Registration.objects.get(order=beta_order)
    assert response.status_code == 302
    assert (alpha.legal_name, alpha.phone, alpha.email) == (
        "Anonymized",
        "",
        f"anonymized-{alpha.pk}@invalid",
    )
    assert alpha.answers.get().value == ""
    assert "Robin Fox" not in alpha_history
    assert alpha_order.total == Decimal("85.00")  # badge and T-shirt, kept for the books
    assert (beta.legal_name, beta.phone) == ("Robin Beta-Fox", "+49 30 555 0100")


def _aggregates(event):
    by_level = list(
        Registration.objects.filter(event=event)
        .values("level__name", "order__status")
        .annotate(n=Count("pk"), revenue=Sum(F("price") - F("discount")))
        .order_by("level__name", "order__status")
    )
    totals = report_totals(event=event)
    return by_level, registration_timeline(event=event), totals


def test_anonymization_after_the_event_keeps_aggregates_identical(tenant_a):
    with tenant_context(tenant_a):
        event = EventFactory(start_date=dt.date(2031, 7, 1))
        for n in range(3):
            _buy(UserFactory(), event=event, legal_name=f"Person {n}")
        # Born in the cut-off year after the cut-off day: a minor whom 1 January would make adult.
        cutoff = minor_cutoff_for(event)
        _buy(
            UserFactory(),
            event=event,
            legal_name="Young Fox",
            birthdate=cutoff + dt.timedelta(days=1),
            guardian_name="Pat",
            guardian_contact="pat@example.org",
            guardian_consent=True,
        )
        before = _aggregates(event)

        call_command("anonymize_after_event", "--days", "30", "--today", "2031-08-10")
        after = _aggregates(event)
        names = set(Registration.objects.filter(event=event).values_list("legal_name", flat=True))
        later = registrations_anonymize_after_event(days=30, today=dt.date(2031, 8, 1))

    assert after == before
    assert sorted({t.age_band for t in after[2]}) == ["adult", "minor"]
    assert names == {"Anonymized"}
    assert later == 0


def test_organizer_anonymizes_in_the_admin(person, client_a, tenant_a, log_in):
    from tenant.roles import Role
    from tests.factories.tenant import MembershipFactory

    _, alpha_order, _ = person
    lead = MembershipFactory(tenant=tenant_a, roles=[Role.REGISTRATION_LEAD]).user
    with tenant_context(tenant_a):
        registration = alpha_order.registrations.get()
    log_in(client_a, lead)

    response = client_a.post(
        "/admin/register/registration/",
        {"action": "anonymize", "_selected_action": [registration.pk]},
    )

    with tenant_context(tenant_a):
        registration.refresh_from_db()
        latest = registration.history.latest("history_id")
    assert response.status_code == 302
    assert registration.legal_name == "Anonymized"
    assert (latest.history_user_id, latest.history_change_reason) == (
        lead.pk,
        "anonymized by the organizer",
    )
