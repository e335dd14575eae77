"""What registration costs in SQL statements: the purchase, payment and the waiting list do a
fixed amount of work, and the attendee pages do not query per badge or per entry.

Counts taken inside a test include the SAVEPOINT and RELEASE of the service's transaction
(the test's own transaction is the outer one)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from event.models import Event
from register.models import BadgeLevel, BanEntry, Order, WaitlistEntry
from register.services import (
    ban_entry_save,
    order_mark_paid,
    order_place,
    waitlist_join,
    waitlist_process,
)
from tests.factories.event import EventFactory
from tests.factories.register import BadgeLevelFactory, attendee
from tests.factories.tenant import UserFactory
from tests.register.form_data import post_order


def _fresh(event: Event) -> Event:
    """The event as a request loads it: nothing read about it yet (its settings included)."""
    return Event.objects.get(pk=event.pk)


def test_a_one_badge_free_order_costs_at_most_17_statements(
    sale, tenant_a, django_assert_max_num_queries
):
    event, _, _ = sale
    with tenant_context(tenant_a):
        free = BadgeLevelFactory(event=event, name="Free", price=Decimal("0"), capacity=100)
        buyer = UserFactory()
        event = _fresh(event)

        # 15 statements and the savepoint pair: settings, questions, the level locked, its price
        # tiers, places taken, the ban list, the order and its audit record, the badge-number
        # counter, the badge and its audit record, the directory, the status record, the
        # webhooks to tell (order.paid), the confirmation mail owed (the outbox row).
        with django_assert_max_num_queries(17):
            order = order_place(
                event=event, account=buyer, attendees=[attendee(free)], provider="simulated"
            )

        registration = order.registrations.get()
        assert (order.status, order.provider, registration.badge_number) == ("paid", "free", 200)
        assert [
            (h.history_user_id, h.history_change_reason) for h in registration.history.all()
        ] == [(buyer.pk, "placed, paid: free")]
        assert [(h.status, h.history_user_id) for h in order.history.all()] == [("paid", buyer.pk)]
        assert list(order.status_changes.values_list("from_status", "to_status", "note")) == [
            ("", "paid", "placed, free")
        ]


def test_a_two_badge_card_order_costs_at_most_13_statements(
    sale, tenant_a, django_assert_max_num_queries
):
    event, level, _ = sale
    with tenant_context(tenant_a):
        BadgeLevel.objects.filter(pk=level.pk).update(capacity=10)
        buyer = UserFactory()
        event = _fresh(event)

        # 11 statements and the savepoint pair: settings, questions, the level locked, its price
        # tiers, places taken, the order and its audit record, both badges in one INSERT and
        # their audit records in another, the directory, the status record.
        with django_assert_max_num_queries(13):
            order = order_place(
                event=event,
                account=buyer,
                attendees=[attendee(level), attendee(level, legal_name="Sam Otter")],
                provider="simulated",
            )

        assert (order.status, order.total, order.registrations.count()) == (
            "pending",
            Decimal("120.00"),
            2,
        )
        assert sorted(h.history_user_id for h in order.registrations.first().history.all()) == [
            buyer.pk
        ]


def test_a_free_purchase_through_the_register_page_costs_at_most_25_statements(
    sale, buyer_client, tenant_a, django_assert_max_num_queries
):
    event, _, _ = sale
    with tenant_context(tenant_a):
        free = BadgeLevelFactory(event=event, name="Free", price=Decimal("0"), capacity=100)
    buyer_client.get("/register/")  # the session and caches warmed

    # What the bench's registration rush counts per purchase (23), and the savepoint pair: the
    # account's language (read, to be remembered for the worker's mails when it changed),
    # session, the account, the event with its settings, the form's levels, tiers, places,
    # add-ons and questions, then order_place's 14 (its settings came with the event).
    with django_assert_max_num_queries(25):
        response = post_order(buyer_client, free, people=1)

    with tenant_context(tenant_a):
        order = Order.objects.get()
    assert response.status_code == 302
    assert (order.status, order.registrations.get().badge_number) == ("paid", 200)


def test_paying_a_two_badge_order_costs_at_most_14_statements(
    sale, tenant_a, django_assert_max_num_queries
):
    event, level, _ = sale
    with tenant_context(tenant_a):
        order = order_place(
            event=event,
            account=UserFactory(),
            attendees=[attendee(level), attendee(level, legal_name="Sam Otter")],
            provider="simulated",
        )

        # 11 statements and the savepoint pair: the order locked, its upgrade (none), its badges,
        # the ban list (once for the order), one counter update for both numbers, one UPDATE of
        # the badges and one batch of their audit records, the order and its audit record, the
        # status record, the webhooks to tell (order.paid), the confirmation mail owed (the
        # outbox row).
        with django_assert_max_num_queries(14):
            order_mark_paid(order_id=order.pk, amount=order.total)

        numbers = list(order.registrations.order_by("pk").values_list("badge_number", flat=True))
        assert numbers == [200, 201]


def test_the_ban_list_is_read_once_per_order_whatever_its_size(sale, tenant_a):
    event, level, _ = sale
    with tenant_context(tenant_a):
        for n in range(30):
            ban_entry_save(entry=BanEntry(name=f"Banned Person{n}", email=f"b{n}@example.org"))
        BadgeLevel.objects.filter(pk=level.pk).update(capacity=10)
        order = order_place(
            event=event,
            account=UserFactory(),
            attendees=[attendee(level, legal_name=f"Guest {n}") for n in range(3)],
            provider="simulated",
        )

        with CaptureQueriesContext(connection) as queries:
            paid = order_mark_paid(order_id=order.pk, amount=order.total)

    reads = [q["sql"] for q in queries.captured_queries if "register_banentry" in q["sql"]]
    assert paid.status == Order.Status.PAID
    assert len(reads) == 1


@pytest.mark.parametrize("levels", [1, 3])
def test_processing_the_waiting_lists_costs_10_statements_for_any_number_of_levels(
    tenant_a, levels, django_assert_num_queries
):
    with tenant_context(tenant_a):
        event = EventFactory(start_date=dt.date(2031, 7, 1))
        for _ in range(levels):
            level = BadgeLevelFactory(event=event, capacity=0)
            for _person in range(2):
                waitlist_join(event=event, level_id=level.pk, account=UserFactory())
        BadgeLevel.objects.filter(event=event).update(capacity=1)

        # The savepoint pair and 8: expire lapsed offers, lock the levels with people waiting,
        # count their places, choose who is next in every line, their events' offer hours, the
        # site's address for the links, one UPDATE of the entries offered and one INSERT of the
        # offer mails owed (the outbox).
        with django_assert_num_queries(10):
            sent = waitlist_process()

        statuses = sorted(WaitlistEntry.objects.values_list("status", flat=True))
    assert sent == levels
    assert statuses == ["offered"] * levels + ["waiting"] * levels


def _paid_order(event, level, buyer, badges: int, shirt=None) -> Order:
    add_ons = ((shirt.pk, "M"),) if shirt else ()
    order = order_place(
        event=event,
        account=buyer,
        attendees=[
            attendee(level, legal_name=f"Guest {n}", add_ons=add_ons) for n in range(badges)
        ],
        provider="simulated",
    )
    return order_mark_paid(order_id=order.pk, amount=order.total)


@pytest.mark.parametrize("badges", [1, 3])
def test_my_registrations_cost_the_same_queries_for_1_or_3_badges(
    sale, buyer_client, tenant_a, badges, django_assert_num_queries
):
    event, level, shirt = sale
    with tenant_context(tenant_a):
        BadgeLevel.objects.filter(pk=level.pk).update(capacity=10)
        BadgeLevelFactory(event=event, name="Sponsor", price=Decimal("150.00"))
        _paid_order(event, level, buyer_client.buyer, badges, shirt=shirt)
    buyer_client.get(f"/{event.slug}/register/mine/")  # the session and caches warmed

    # The session, the account, the badges with their orders and levels, their add-ons, those
    # add-ons' names, their answers (none: so no questions), the active event with its
    # settings, the levels on sale, their price tiers, places taken, branding, pages: 12.
    with django_assert_num_queries(12):
        response = buyer_client.get(f"/{event.slug}/register/mine/")

    assert response.content.count(b"<svg") == badges
    assert response.content.count(b"Sponsor (+") == badges
    assert response.content.count(b"T-shirt (M)") == badges


@pytest.mark.parametrize("badges", [1, 3])
def test_the_order_page_costs_the_same_queries_for_1_or_3_badges(
    sale, buyer_client, tenant_a, badges, django_assert_num_queries
):
    event, level, shirt = sale
    with tenant_context(tenant_a):
        BadgeLevel.objects.filter(pk=level.pk).update(capacity=10)
        order = _paid_order(event, level, buyer_client.buyer, badges, shirt=shirt)
    buyer_client.get(f"/{event.slug}/register/orders/{order.reference}/")

    # The event its address names, the session, the account, the order with its event, its
    # badges, their levels, their add-ons and those add-ons' names, their answers (none), the
    # settings (may they cancel?), its upgrade (none), branding, pages: 13.
    with django_assert_num_queries(13):
        response = buyer_client.get(f"/{event.slug}/register/orders/{order.reference}/")

    assert response.content.count(b"<svg") == badges
    assert response.content.count(b"T-shirt (M)") == badges


@pytest.mark.parametrize("levels", [1, 3])
def test_the_waiting_list_page_costs_the_same_queries_for_1_or_3_entries(
    sale, buyer_client, tenant_a, levels, django_assert_num_queries
):
    event, _, _ = sale
    with tenant_context(tenant_a):
        for n in range(levels):
            full = BadgeLevelFactory(event=event, name=f"Full {n}", capacity=0)
            waitlist_join(event=event, level_id=full.pk, account=buyer_client.buyer)
    buyer_client.get(f"/{event.slug}/register/waitlist/")

    # The event its address names, the session, the account, branding, pages, the entries with
    # their levels and events: 6.
    with django_assert_num_queries(6):
        response = buyer_client.get(f"/{event.slug}/register/waitlist/")

    assert response.content.count(b"<li>Full ") == levels
