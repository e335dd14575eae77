"""Registration pages, their forms and their errors in German (Accept-Language: de), and a
German catalog that covers every string the register app marks."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tenants.utils import tenant_context

from event.services import event_generate_properties
from register.models import BadgeLevel
from register.services import (
    order_mark_paid,
    order_place,
    order_refund,
    registration_settings_update,
    waitlist_join,
)
from tests.catalogs import ROOT, po_entries
from tests.factories.event import EventFactory
from tests.factories.register import BadgeLevelFactory, attendee
from tests.factories.tenant import UserFactory

BASE = Path(settings.BASE_DIR)


@pytest.fixture
def paid_badge(tenant_a, settings):
    """A paid Attendee badge (transfers allowed), a dearer Sponsor level on sale, and a
    sold-out Day level with its buyer on the waiting list."""
    settings.DEBUG = True  # the simulated card
    with tenant_context(tenant_a):
        event = EventFactory(is_active=True, start_date=dt.date(2031, 7, 1))
        event_generate_properties(event=event)
        registration_settings_update(event=event, transfers_allowed=True)
        basic = BadgeLevelFactory(event=event, name="Attendee", price=Decimal("60.00"))
        BadgeLevelFactory(event=event, name="Sponsor", price=Decimal("150.00"))
        day = BadgeLevelFactory(event=event, name="Day", price=Decimal("30.00"), capacity=1)
        buyer = UserFactory()
        order = order_place(
            event=event,
            account=buyer,
            provider="simulated",
            attendees=[attendee(basic), attendee(day)],
        )
        order_mark_paid(order_id=order.pk, amount=order.total)
        waitlist_join(event=event, level_id=day.pk, account=buyer)
        yield event, buyer, order


def test_registration_form_is_german(paid_badge, logged_in):
    event, buyer, _ = paid_badge

    html = logged_in(buyer, HTTP_ACCEPT_LANGUAGE="de").get("/register/?people=1").content.decode()

    for label in (
        "Badge-Stufe",
        "Amtlicher Name",
        "Badge-Name",
        "Geburtsdatum",
        "Telefon",
        "Notfallkontakt (Name und Telefon)",
        "Rabattcode",
        "Zahlung",
        "Karte (simuliert — kein echtes Geld)",
        "Auf die Warteliste",
        "Day — 30,00\xa0$ (ausverkauft)",
    ):
        assert label in html, label
    assert "Legal name" not in html and "Emergency contact" not in html


def test_registration_errors_are_german(paid_badge, tenant_a, logged_in):
    event, buyer, _ = paid_badge
    data = {
        "attendee-TOTAL_FORMS": 1,
        "attendee-INITIAL_FORMS": 0,
        "provider": "simulated",
        "submission": "s1",
        "discount_code": "",
        "attendee-0-legal_name": "Kim Muster",
        "attendee-0-badge_name": "Kim",
        "attendee-0-birthdate": "1990-05-17",
        "attendee-0-email": "kim@example.org",
        "attendee-0-phone": "+49 30 1234",
        "attendee-0-emergency_contact": "Sam +49 30 5678",
    }
    client = logged_in(buyer, HTTP_ACCEPT_LANGUAGE="de")
    with tenant_context(tenant_a):
        day = BadgeLevel.objects.get(name="Day")

    sold_out = client.post("/register/?people=1", data | {"attendee-0-level": day.pk})
    missing = client.post("/register/?people=1", data | {"attendee-0-level": ""})

    assert sold_out.status_code == 400
    assert "Day ist ausverkauft." in sold_out.content.decode()
    assert missing.status_code == 400
    assert "Dieses Feld ist zwingend erforderlich." in missing.content.decode()


def test_my_registrations_with_a_paid_badge_is_german(paid_badge, logged_in):
    event, buyer, _ = paid_badge

    html = logged_in(buyer, HTTP_ACCEPT_LANGUAGE="de").get("/register/mine/").content.decode()

    for text in (
        "Meine Anmeldungen",
        "Dieses Badge an jemand anderen weitergeben",
        "Übertragungslink senden",
        "Dieses Badge aufwerten (Sie zahlen die Differenz)",
        "Neue Stufe",
        "Aufwerten",
        "Sponsor (+90,00\xa0$)",
        "Meine Wartelisten",
        "Meine Daten herunterladen",
        "Zeigen Sie diesen Code beim Check-in.",
    ):
        assert text in html, text


def test_waiting_list_and_offer_pages_are_german(
    paid_badge, tenant_a, django_capture_on_commit_callbacks, logged_in
):
    event, buyer, order = paid_badge
    client = logged_in(buyer, HTTP_ACCEPT_LANGUAGE="de")

    waiting = client.get("/register/waitlist/").content.decode()
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        order_refund(order_id=order.pk, amount=order.total)
    offered = client.get("/register/waitlist/").content.decode()
    link = re.search(r"(/register/offer/[\w-]+/)", mail.outbox[-1].body)[1]
    offer = client.get(link).content.decode()

    assert "Meine Wartelisten" in waiting and "Day — Wartet" in waiting
    assert "Day — Angebot verschickt" in offered and "siehe Ihre E-Mail" in offered
    assert "Ein Platz Day wartet auf Sie" in offer and "Amtlicher Name" in offer


def test_password_reset_pages_are_german(client_a):
    html = client_a.get("/accounts/password/reset/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "Passwort zurücksetzen" in html and "Link senden" in html


def _marked_in_register() -> set[str]:
    """Strings the register app marks: {% translate %} in its templates, _() in its forms."""
    found = set()
    for template in (BASE / "register" / "templates").rglob("*.*"):
        found |= set(re.findall(r'{% translate "([^"]+)" %}', template.read_text()))
    found |= set(re.findall(r'_\("([^"]+)"\)', (BASE / "register" / "forms.py").read_text()))
    return found


def test_german_catalog_translates_every_string_of_the_register_app():
    entries = po_entries(ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po")
    forms_py = (BASE / "register" / "forms.py").read_text()

    marked = _marked_in_register()

    assert len(marked) > 40
    assert not [msgid for msgid in marked if not entries.get(msgid)]
    assert not re.findall(r'(?:label|help_text)="', forms_py), "unmarked form labels"


def test_attendee_mails_render_in_german():
    event = SimpleNamespace(
        name="Fuchscon", start_date=dt.date(2031, 7, 1), end_date=dt.date(2031, 7, 4)
    )
    registration = SimpleNamespace(
        legal_name="Kim Muster",
        badge_name="Kim",
        badge_number=20,
        level=SimpleNamespace(name="Day"),
    )
    context = {
        "event": event,
        "registration": registration,
        "order": SimpleNamespace(reference="AB12"),
    }

    with translation.override("de"):
        text = render_to_string("register/email/confirmation.txt", context)
        html = render_to_string("register/email/confirmation.html", context | {"qr_svg": ""})

    assert text.startswith("Hallo Kim Muster,\n\nSie sind für Fuchscon (1. Juli 2031 – 4. Juli")
    assert "Badge-Nr.:     20" in text and "Bestellung:       AB12" in text
    assert "Sie sind für <strong>Fuchscon</strong>" in html
