"""Reports in the convention's admin match the rows they summarize, and stay in their tenant."""

import csv
import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from event.services import event_generate_properties
from register.models import Registration, WaitlistEntry
from register.selectors import (
    registration_timeline_compared,
    report_discount_usage,
    report_totals,
    report_waitlist,
)
from register.services import order_mark_paid, order_place, order_refund
from tenant.roles import Role
from tests.factories.event import EventFactory
from tests.factories.register import BadgeLevelFactory, DiscountCodeFactory, attendee
from tests.factories.tenant import PASSWORD, MembershipFactory, UserFactory


def _paid(event, level, code="", **person):
    order = order_place(
        event=event,
        account=UserFactory(),
        provider="simulated",
        attendees=[attendee(level, **person)],
        discount_code=code,
    )
    order_mark_paid(order_id=order.pk, amount=order.total)
    return order


@pytest.fixture
def sales(tenant_a):
    with tenant_context(tenant_a):
        last_year = EventFactory(name="Con 2030", start_date=dt.date(2030, 7, 1))
        old_level = BadgeLevelFactory(event=last_year, name="Attendee", price=Decimal("50.00"))
        _paid(last_year, old_level)
        event = EventFactory(name="Con 2031", is_active=True, start_date=dt.date(2031, 7, 1))
        event_generate_properties(event=event)
        basic = BadgeLevelFactory(event=event, name="Attendee", price=Decimal("60.00"))
        sponsor = BadgeLevelFactory(event=event, name="Sponsor", price=Decimal("100.00"))
        DiscountCodeFactory(event=event, code="TEN", amount=Decimal("10"))
        _paid(event, basic)
        _paid(event, basic, code="TEN")
        _paid(
            event,
            sponsor,
            birthdate=dt.date(2020, 1, 1),
            guardian_name="Pat",
            guardian_contact="pat@example.org",
            guardian_consent=True,
        )
        refunded = _paid(event, basic)
        order_refund(order_id=refunded.pk, amount=refunded.total)
        order_place(
            event=event, account=UserFactory(), provider="door", attendees=[attendee(sponsor)]
        )
        for _ in range(2):
            WaitlistEntry.objects.create(
                level=sponsor, account_id=UserFactory().pk, email="w@e.org"
            )
        event.refresh_from_db()  # the minors' cut-off date
        yield event, last_year


def test_totals_match_the_rows(sales):
    event, _ = sales

    totals = report_totals(event=event)

    expected = defaultdict(lambda: [0, Decimal("0")])
    for r in Registration.objects.filter(event=event).select_related("level", "order"):
        key = (
            r.level.name,
            r.order.status,
            "minor" if r.birthdate > event.minor_cutoff_date else "adult",
        )
        expected[key][0] += 1
        expected[key][1] += r.price - r.discount
    assert {(t.level, t.status, t.age_band): [t.registrations, t.value] for t in totals} == dict(
        expected
    )
    assert sum(t.registrations for t in totals) == 5
    assert ("Sponsor", "paid", "minor") in expected


def test_discount_usage_and_waiting_list_match_the_rows(sales):
    event, _ = sales

    (usage,) = report_discount_usage(event=event)
    waiting = {row.level: (row.waiting, row.offered) for row in report_waitlist(event=event)}

    discounted = Registration.objects.filter(
        event=event, order__discount_code__code="TEN", order__status="paid", discount__gt=0
    )
    assert (usage.code, usage.paid_orders, usage.discounted_badges) == ("TEN", 1, 1)
    assert usage.discount_total == sum(r.discount for r in discounted) == Decimal("6.00")
    assert waiting == {"Attendee": (0, 0), "Sponsor": (2, 0)}


def test_timeline_puts_the_previous_event_on_the_same_axis(sales):
    event, last_year = sales

    points = registration_timeline_compared(event=event)

    by_event = defaultdict(int)
    for p in points:
        by_event[p.event] += p.registrations
    assert dict(by_event) == {"Con 2031": 3, "Con 2030": 1}  # paid only
    assert all(p.days_before_opening < 0 for p in points)


@pytest.fixture
def lead_of_both(tenant_a, tenant_b):
    lead = MembershipFactory(tenant=tenant_a, roles=[Role.REGISTRATION_LEAD]).user
    MembershipFactory(tenant=tenant_b, user=lead, roles=[Role.REGISTRATION_LEAD])
    return lead


def test_admin_reports_page_and_csv_match_the_selectors(sales, lead_of_both, client_a, tenant_a):
    event, _ = sales
    client_a.post("/accounts/login/", {"username": lead_of_both.email, "password": PASSWORD})

    page = client_a.get("/admin/register/order/reports/")
    totals_csv = client_a.get("/admin/register/order/reports/totals.csv")
    unknown = client_a.get("/admin/register/order/reports/nope.csv")

    rows = list(csv.reader(io.StringIO(totals_csv.content.decode())))
    with tenant_context(tenant_a):
        expected = report_totals(event=event)
    assert page.status_code == 200
    assert b"<svg" in page.content and b"Con 2030" in page.content
    assert rows[0] == ["level", "status", "age_band", "registrations", "value (USD)"]
    assert rows[1:] == [
        [t.level, t.status, t.age_band, str(t.registrations), str(t.value)] for t in expected
    ]
    assert unknown.status_code == 404


def test_another_tenants_reports_show_none_of_this_tenants_data(
    sales, lead_of_both, client_b, tenant_b
):
    with tenant_context(tenant_b):
        EventFactory(name="Beta Con", is_active=True)
    client_b.post("/accounts/login/", {"username": lead_of_both.email, "password": PASSWORD})

    page = client_b.get("/admin/register/order/reports/")
    totals_csv = client_b.get("/admin/register/order/reports/totals.csv")

    assert page.status_code == 200
    assert b"Beta Con" in page.content and b"Con 2031" not in page.content
    assert totals_csv.content.decode().strip() == (
        "level,status,age_band,registrations,value (USD)"
    )


def test_reports_page_of_a_first_event_compares_with_nothing(
    lead_of_both, client_b, tenant_b, settings
):
    with tenant_context(tenant_b):
        event = EventFactory(name="Beta Con", is_active=True)
        level = BadgeLevelFactory(event=event, name="Attendee", price=Decimal("10.00"))
        _paid(event, level)
    client_b.post("/accounts/login/", {"username": lead_of_both.email, "password": PASSWORD})

    page = client_b.get("/admin/register/order/reports/").content.decode()

    assert "There is no earlier event to compare with." in page
    assert "vs." not in page
    assert "Attendee (Beta Con): 1" in page
    assert "<script" not in page.split("<figure>", 1)[1].split("</figure>", 1)[0]
