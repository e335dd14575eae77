"""What an upgrade does after it is paid: the badge is mailed again with its new level, takes a
number of the new level's kind, counts its money on the day it was paid, shows in the export,
and is undone when the team refunds it in full."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django_tenants.utils import tenant_context

from event.models import BadgeNumberRange
from register.models import Registration, Upgrade
from register.selectors import places_taken, registration_timeline, report_totals
from register.services import order_mark_paid, order_place, order_refund, registration_upgrade
from tests.factories.register import BadgeLevelFactory, attendee
from tests.factories.tenant import UserFactory

DAY_ONE = dt.datetime(2031, 3, 2, 15, 0, tzinfo=dt.UTC)
DAY_TWO = dt.datetime(2031, 3, 9, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def upgraded(sale, tenant_a, django_capture_on_commit_callbacks):
    """A badge bought on DAY_ONE (60.00), upgraded on DAY_TWO to Crew (a staff-kind level at
    150.00), both paid."""
    event, level, _ = sale
    buyer = UserFactory()
    with tenant_context(tenant_a):
        crew = BadgeLevelFactory(
            event=event,
            name="Crew",
            price=Decimal("150.00"),
            capacity=5,
            badge_kind=BadgeNumberRange.Kind.STAFF,
        )
        with time_machine.travel(DAY_ONE, tick=False):
            order = order_place(
                event=event, account=buyer, provider="simulated", attendees=[attendee(level)]
            )
            order_mark_paid(order_id=order.pk, amount=order.total)
        registration = order.registrations.get()
        old_number = registration.badge_number
        with time_machine.travel(DAY_TWO, tick=False):
            upgrade_order = registration_upgrade(
                registration_id=registration.pk,
                account=buyer,
                level_id=crew.pk,
                provider="simulated",
            )
            mail.outbox.clear()
            with django_capture_on_commit_callbacks(execute=True):
                order_mark_paid(order_id=upgrade_order.pk, amount=upgrade_order.total)
        registration.refresh_from_db()
    return event, level, crew, order, upgrade_order, registration, old_number


def test_paid_upgrade_takes_a_number_of_the_new_kind_and_is_mailed(upgraded, tenant_a):
    event, level, crew, _, upgrade_order, registration, old_number = upgraded

    (message,) = mail.outbox

    assert registration.level_id == crew.pk and registration.price == Decimal("150.00")
    assert registration.badge_number != old_number
    with tenant_context(tenant_a):
        staff = BadgeNumberRange.objects.filter(event=event, kind="staff").first()
    if staff is not None:
        assert staff.first_number <= registration.badge_number
    assert message.to == [registration.email]
    assert "Your badge was upgraded from Attendee to Crew." in message.body
    assert f"Crew #{registration.badge_number}" in message.subject


def test_upgrade_revenue_counts_on_the_day_it_was_paid(upgraded, tenant_a):
    event, *_ = upgraded
    with tenant_context(tenant_a):
        timeline = registration_timeline(event=event)
        totals = report_totals(event=event)

    assert [(p.day, p.level, p.registrations, p.revenue) for p in timeline] == [
        (DAY_ONE.date(), "Crew", 1, Decimal("60.00")),
        (DAY_TWO.date(), "Crew", 0, Decimal("90.00")),
    ]
    assert sum(t.value for t in totals if t.status == "paid") == Decimal("150.00")


def test_upgrade_appears_in_the_registrations_export(upgraded, lead_client):
    _, _, _, order, upgrade_order, _, _ = upgraded

    export = lead_client.post(
        "/admin/register/order/", {"action": "export_csv", "_selected_action": [str(order.pk)]}
    )

    header, row = list(csv.reader(io.StringIO(export.content.decode())))
    assert row[header.index("upgraded")] == f"Attendee → Crew (+90.00, {upgrade_order.reference})"
    assert row[header.index("price (USD)")] == "150.00"


def test_refunding_the_upgrade_in_full_undoes_it(upgraded, tenant_a):
    event, level, crew, _, upgrade_order, registration, _ = upgraded
    with tenant_context(tenant_a):
        order_refund(order_id=upgrade_order.pk, amount=upgrade_order.total)

        after = Registration.objects.get(pk=registration.pk)
        upgrade = Upgrade.objects.get(order=upgrade_order)
        taken = places_taken(level_ids=[level.pk, crew.pk], now=DAY_TWO)
        timeline = registration_timeline(event=event)

    assert (after.level_id, after.price) == (level.pk, Decimal("60.00"))
    assert after.badge_number not in (None, registration.badge_number)  # attendee kind again
    assert upgrade.applied_at is None
    assert (taken[level.pk], taken[crew.pk]) == (1, 0)
    assert [(p.level, p.registrations, p.revenue) for p in timeline] == [
        ("Attendee", 1, Decimal("60.00"))
    ]
