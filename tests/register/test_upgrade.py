"""Upgrades: pay only the difference; the new level's capacity is taken under the same locks as
a purchase (tested with real threads, each on its own connection)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context, tenant_context

from event.models import Event
from event.services import event_generate_properties
from register.models import BadgeLevel, Order, Registration, Upgrade
from register.services import order_mark_paid, order_place, registration_upgrade
from tenant.models import Tenant, User
from tests.concurrency import run_at_once
from tests.factories.event import EventFactory
from tests.factories.register import BadgeLevelFactory, DiscountCodeFactory, attendee
from tests.factories.tenant import PASSWORD, UserFactory

APPROVED_CARD = "4242 4242 4242 4242"


@pytest.fixture
def upgradable_badge(tenant_a, settings):
    settings.DEBUG = True  # the simulated card
    with tenant_context(tenant_a):
        event = EventFactory(is_active=True, start_date=dt.date(2031, 7, 1))
        event_generate_properties(event=event)
        basic = BadgeLevelFactory(event=event, name="Attendee", price=Decimal("60.00"))
        sponsor = BadgeLevelFactory(
            event=event, name="Sponsor", price=Decimal("150.00"), capacity=1
        )
        code = DiscountCodeFactory(event=event, code="TEN", amount=Decimal("10"))
        buyer = UserFactory()
        order = order_place(
            event=event,
            account=buyer,
            provider="simulated",
            attendees=[attendee(basic)],
            discount_code=code.code,
        )
        order_mark_paid(order_id=order.pk, amount=order.total)
        yield order.registrations.get(), buyer, basic, sponsor


def test_upgrade_charges_only_the_difference_and_moves_the_badge_once_paid(
    upgradable_badge, client_a, tenant_a
):
    registration, buyer, basic, sponsor = upgradable_badge
    client_a.post("/accounts/login/", {"username": buyer.email, "password": PASSWORD})

    mine = client_a.get("/register/mine/")
    placed = client_a.post(
        f"/register/mine/{registration.pk}/upgrade/",
        {"level": sponsor.pk, "provider": "simulated"},
    )
    with tenant_context(tenant_a):
        upgrade = Upgrade.objects.get(registration=registration)
        before = Registration.objects.get(pk=registration.pk).level_id
    paid = client_a.post(placed["Location"], {"card_number": APPROVED_CARD})

    with tenant_context(tenant_a):
        registration.refresh_from_db()
        upgrade.refresh_from_db()
        upgrade_order = Order.objects.get(pk=upgrade.order_id)
    assert b"Sponsor (+$96.00)" in mine.content  # paid 54.00 (60 less 10 %)
    assert (upgrade.difference, upgrade_order.total) == (Decimal("96.00"), Decimal("96.00"))
    assert before == basic.pk  # nothing changes before the payment
    assert paid.status_code == 302
    assert upgrade_order.status == "paid" and upgrade.applied_at is not None
    assert registration.level_id == sponsor.pk
    assert registration.price - registration.discount == Decimal("150.00")
    assert registration.history.latest("history_id").history_change_reason == "upgraded to Sponsor"


def test_upgrade_to_a_cheaper_level_is_refused(upgradable_badge, tenant_a):
    registration, buyer, basic, _ = upgradable_badge
    with tenant_context(tenant_a):
        cheap = BadgeLevelFactory(event=basic.event, name="Day", price=Decimal("30.00"))

        with pytest.raises(ValidationError, match="higher level"):
            registration_upgrade(
                registration_id=registration.pk,
                account=buyer,
                level_id=cheap.pk,
                provider="simulated",
            )


def test_a_pending_upgrade_holds_the_place_and_a_full_level_refuses_upgrades(
    upgradable_badge, tenant_a
):
    registration, buyer, basic, sponsor = upgradable_badge
    with tenant_context(tenant_a):
        registration_upgrade(
            registration_id=registration.pk,
            account=buyer,
            level_id=sponsor.pk,
            provider="simulated",
        )

        with pytest.raises(ValidationError, match="sold out"):
            order_place(
                event=basic.event,
                account=UserFactory(),
                provider="simulated",
                attendees=[attendee(sponsor, legal_name="Sam Otter")],
            )


def test_someone_else_cannot_upgrade_the_badge(upgradable_badge, tenant_a):
    registration, _, _, sponsor = upgradable_badge
    with tenant_context(tenant_a), pytest.raises(ValidationError, match="paid badge you hold"):
        registration_upgrade(
            registration_id=registration.pk,
            account=UserFactory(),
            level_id=sponsor.pk,
            provider="simulated",
        )


def test_another_tenants_host_cannot_upgrade_the_badge(upgradable_badge, client_b, tenant_a):
    registration, buyer, _, sponsor = upgradable_badge
    client_b.post("/accounts/login/", {"username": buyer.email, "password": PASSWORD})

    response = client_b.post(
        f"/register/mine/{registration.pk}/upgrade/", {"level": sponsor.pk, "provider": "door"}
    )

    assert response.status_code in (400, 404)
    with tenant_context(tenant_a):
        assert not Upgrade.objects.exists()


UPGRADERS = 8
BUYERS = 4
CAPACITY = 3


@pytest.fixture
def upgrade_rush(committed):
    alpha = Tenant.objects.get(schema_name="alpha")
    with schema_context("public"):
        people = [User.objects.create_user(f"up{n}@example.org", None) for n in range(12)]
    with tenant_context(alpha):
        event = Event.objects.create(
            name="Upgrade Con",
            slug="upgrade-con",
            start_date=dt.date(2031, 7, 1),
            end_date=dt.date(2031, 7, 3),
        )
        event_generate_properties(event=event)
        basic = BadgeLevel.objects.create(event=event, name="Attendee", price=Decimal("60.00"))
        sponsor = BadgeLevel.objects.create(
            event=event, name="Sponsor", price=Decimal("150.00"), capacity=CAPACITY
        )
        registrations = []
        for person in people[:UPGRADERS]:
            order = order_place(
                event=event, account=person, attendees=[attendee(basic)], provider="simulated"
            )
            order_mark_paid(order_id=order.pk, amount=order.total)
            registrations.append((person, order.registrations.get()))
    try:
        yield alpha, event, sponsor, registrations, people[UPGRADERS:]
    finally:
        with tenant_context(alpha):
            Registration.objects.filter(event=event).delete()
            Order.objects.filter(event=event).delete()
            BadgeLevel.objects.filter(event=event).delete()
            event.delete()
        with schema_context("public"):
            User.objects.filter(pk__in=[p.pk for p in people]).delete()


def test_upgrades_and_purchases_racing_for_the_last_places_get_exactly_capacity(upgrade_rush):
    alpha, event, sponsor, registrations, buyers = upgrade_rush

    def act(item):
        kind, person, registration = item
        with tenant_context(alpha):
            if kind == "upgrade":
                return registration_upgrade(
                    registration_id=registration.pk,
                    account=person,
                    level_id=sponsor.pk,
                    provider="simulated",
                )
            return order_place(
                event=event, account=person, attendees=[attendee(sponsor)], provider="simulated"
            )

    items = [("upgrade", p, r) for p, r in registrations] + [("buy", b, None) for b in buyers]
    results = run_at_once(act, items)

    won = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    with tenant_context(alpha):
        upgrades = Upgrade.objects.filter(to_level=sponsor).count()
        bought = Registration.objects.filter(level=sponsor).count()
    assert (len(won), len(refused)) == (CAPACITY, UPGRADERS + BUYERS - CAPACITY), results
    assert upgrades + bought == CAPACITY
    assert all("sold out" in str(error) for error in refused)
