"""``places_taken`` (one SQL statement, used under the purchase's row locks and by every page
that shows what is left) agrees with the ORM's definition of an order that holds places."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db.models import Count
from django.utils import timezone
from django_tenants.utils import tenant_context

from register.models import Order, Registration, Upgrade, WaitlistEntry
from register.selectors import active_order_q, level_offers, places_taken
from tests.factories.event import EventFactory
from tests.factories.register import BadgeLevelFactory
from tests.factories.tenant import UserFactory

NOW = timezone.now()
HOLDS = {
    "no hold": None,
    "live hold": NOW + dt.timedelta(minutes=5),
    "expired hold": NOW - dt.timedelta(minutes=5),
}


def _order(event, account, status, hold) -> Order:
    return Order.objects.create(
        event=event,
        reference=f"R{Order.objects.count():09d}",
        account=account,
        status=status,
        provider=Order.Provider.DOOR,
        currency="USD",
        subtotal=Decimal("0"),
        discount_total=Decimal("0"),
        total=Decimal("0"),
        hold_expires_at=hold,
    )


def _registration(order, level) -> Registration:
    return Registration.objects.create(
        order=order,
        event=order.event,
        level=level,
        price=Decimal("0"),
        legal_name="A B",
        badge_name="AB",
        birthdate=dt.date(1990, 1, 1),
        email="a@example.org",
        phone="1",
        emergency_contact="C",
    )


@pytest.fixture
def every_kind_of_order(tenant_a):
    """Registrations, upgrades and waiting-list offers in every state, over three levels."""
    with tenant_context(tenant_a):
        event = EventFactory(is_active=True)
        levels = [BadgeLevelFactory(event=event, capacity=100) for _ in range(3)]
        account = UserFactory()
        combinations = itertools.product(Order.Status.values, HOLDS.values())
        for n, (status, hold) in enumerate(combinations):
            level = levels[n % 3]
            _registration(_order(event, account, status, hold), level)
            paid_badge = _registration(_order(event, account, Order.Status.PAID, None), level)
            for applied_at in (None, NOW):
                Upgrade.objects.create(
                    order=_order(event, account, status, hold),
                    registration=paid_badge,
                    from_level=level,
                    to_level=levels[(n + 1) % 3],
                    difference=Decimal("0"),
                    applied_at=applied_at,
                )
        offers = []
        for n, (status, expires) in enumerate(
            itertools.product(WaitlistEntry.Status.values, HOLDS.values())
        ):
            offers.append(
                WaitlistEntry.objects.create(
                    level=levels[n % 3],
                    account=UserFactory(),
                    email="w@example.org",
                    status=status,
                    offer_expires_at=expires,
                )
            )
    return tenant_a, event, levels, offers


def _taken_by_the_orm(levels, *, except_offer_id=None) -> dict[int, int]:
    """The definition spelled with the ORM: what the statement must agree with."""
    holding = active_order_q(now=NOW, prefix="order__")
    counts: dict[int, int] = {}
    for query in (
        Registration.objects.filter(holding, level__in=levels).values_list("level"),
        Upgrade.objects.filter(holding, applied_at__isnull=True, to_level__in=levels).values_list(
            "to_level"
        ),
        WaitlistEntry.objects.filter(
            status=WaitlistEntry.Status.OFFERED, offer_expires_at__gt=NOW, level__in=levels
        )
        .exclude(pk=except_offer_id)
        .values_list("level"),
    ):
        for level_id, n in query.annotate(n=Count("pk")):
            counts[level_id] = counts.get(level_id, 0) + n
    return counts


def test_places_taken_agrees_with_the_orm_definition(every_kind_of_order):
    tenant, event, levels, offers = every_kind_of_order
    live_offer = next(
        o
        for o in offers
        if o.status == WaitlistEntry.Status.OFFERED
        and o.offer_expires_at
        and o.offer_expires_at > NOW
    )
    level_ids = [level.pk for level in levels]
    with tenant_context(tenant):
        expected = _taken_by_the_orm(levels)
        expected_without_offer = _taken_by_the_orm(levels, except_offer_id=live_offer.pk)
        rows = Registration.objects.count() + Upgrade.objects.count() + len(offers)
        taken = places_taken(level_ids=level_ids, now=NOW)
        without_offer = places_taken(level_ids=level_ids, now=NOW, except_offer_id=live_offer.pk)
        shown = {offer.level.pk: offer.places_left for offer in level_offers(event=event, now=NOW)}

    assert dict(taken) == expected
    # Not vacuous: every level holds places, and many rows (other states) hold none.
    assert all(expected[level_id] > 0 for level_id in level_ids)
    assert sum(expected.values()) < rows / 2
    assert dict(without_offer) == expected_without_offer
    assert without_offer[live_offer.level_id] == taken[live_offer.level_id] - 1
    assert shown == {level_id: 100 - expected[level_id] for level_id in level_ids}


def test_places_taken_of_no_levels_asks_nothing(tenant_a, django_assert_num_queries):
    with tenant_context(tenant_a), django_assert_num_queries(0):
        assert places_taken(level_ids=[], now=NOW) == {}
