"""Add-ons bought with a badge are shown wherever the badge is, counted in every total, and
listed for the merch desk (how many of each option, who gets one) — in their tenant only."""

import csv
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.db.models import Sum
from django_tenants.utils import tenant_context

from register.models import Order
from register.selectors import (
    add_on_pick_list,
    add_on_pick_list_people,
    registration_timeline,
    report_totals,
)
from register.services import order_mark_paid, order_place, order_send_confirmation
from tenant.roles import Role
from tests.factories.event import EventFactory
from tests.factories.register import AddOnFactory, DiscountCodeFactory, attendee
from tests.factories.tenant import MembershipFactory, UserFactory


def _bought(event, level, *, add_ons=(), account=None, code="", paid=True, **person):
    order = order_place(
        event=event,
        account=account or UserFactory(),
        provider="simulated",
        attendees=[attendee(level, add_ons=tuple(add_ons), **person)],
        discount_code=code,
    )
    if paid:
        order_mark_paid(order_id=order.pk, amount=order.total)
        order.refresh_from_db()
    return order


@pytest.fixture
def shirts(sale, tenant_a):
    """Alpha's sale: three paid badges with shirts (M, M, L), one with a discount code, and an
    unpaid order with a shirt that no one hands out."""
    event, level, shirt = sale
    with tenant_context(tenant_a):
        level.capacity = None
        level.save(update_fields=["capacity"])
        DiscountCodeFactory(event=event, code="TEN", amount=Decimal("10"))
        orders = [
            _bought(event, level, add_ons=[(shirt.pk, "M")], legal_name="Ada One", badge_name="A"),
            _bought(
                event,
                level,
                add_ons=[(shirt.pk, "M")],
                code="TEN",
                legal_name="Bo Two",
                badge_name="B",
            ),
            _bought(event, level, add_ons=[(shirt.pk, "L")], legal_name="Cy Three", badge_name="C"),
            _bought(event, level, legal_name="Di Four", badge_name="D"),
        ]
        _bought(event, level, add_ons=[(shirt.pk, "L")], paid=False, legal_name="Ed Unpaid")
    return event, level, shirt, orders


def test_report_totals_and_timeline_add_up_to_what_was_paid(shirts, tenant_a):
    event, *_ = shirts
    with tenant_context(tenant_a):
        paid = Order.objects.filter(event=event, status=Order.Status.PAID).aggregate(
            s=Sum("total")
        )["s"]

        totals = report_totals(event=event)
        timeline = registration_timeline(event=event)

    assert paid == Decimal("60") * 4 + Decimal("20") * 3 - Decimal("6.00")
    assert sum(t.value for t in totals if t.status == "paid") == paid
    assert sum(p.revenue for p in timeline) == paid
    assert sum(t.registrations for t in totals if t.status == "paid") == 4


def test_pick_list_counts_each_option_of_paid_orders(shirts, tenant_a):
    event, _, shirt, _ = shirts
    with tenant_context(tenant_a):
        AddOnFactory(event=event, name="Dinner", price=Decimal("30.00"), options=[])

        counts = [(r.add_on, r.option, r.count) for r in add_on_pick_list(event=event)]
        people = [(p.add_on, p.option, p.legal_name) for p in add_on_pick_list_people(event=event)]

    assert sorted(counts) == [("Dinner", "", 0), ("T-shirt", "L", 1), ("T-shirt", "M", 2)]
    assert people == [
        ("T-shirt", "L", "Cy Three"),
        ("T-shirt", "M", "Ada One"),
        ("T-shirt", "M", "Bo Two"),
    ]


def test_order_page_and_my_registrations_show_the_add_on_with_its_price(
    sale, tenant_a, buyer_client
):
    event, level, shirt = sale
    with tenant_context(tenant_a):
        order = _bought(event, level, add_ons=[(shirt.pk, "M")], account=buyer_client.buyer)

    order_page = buyer_client.get(f"/register/orders/{order.reference}/").content.decode()
    mine = buyer_client.get("/register/mine/").content.decode()

    for page in (order_page, mine):
        assert "T-shirt (M) · $20.00" in page
    assert "$80.00" in order_page  # the total counts it


def test_confirmation_mail_lists_the_add_on(sale, tenant_a):
    event, level, shirt = sale
    with tenant_context(tenant_a):
        order = _bought(event, level, add_ons=[(shirt.pk, "L")])
        mail.outbox.clear()

        order_send_confirmation(order_id=order.pk)

    (message,) = mail.outbox
    assert "- T-shirt (L): $20.00" in message.body
    assert "T-shirt (L) · $20.00" in message.alternatives[0][0]


def test_admin_order_page_export_and_pick_list_show_add_ons(shirts, lead_client, tenant_a):
    event, _, _, orders = shirts

    order_page = lead_client.get(f"/admin/register/order/{orders[0].pk}/change/")
    registration_page = lead_client.get(
        f"/admin/register/registration/{orders[0].registrations.get().pk}/change/"
    )
    export = lead_client.post(
        "/admin/register/order/",
        {"action": "export_csv", "_selected_action": [str(o.pk) for o in orders]},
    )
    reports = lead_client.get("/admin/register/order/reports/")
    pick_csv = lead_client.get("/admin/register/order/reports/pick-list.csv")

    rows = list(csv.reader(io.StringIO(export.content.decode())))
    header = rows[0]
    assert b"T-shirt (M)" in order_page.content
    assert b"T-shirt (M)" in registration_page.content
    assert header[11:13] == ["add_ons", "add_ons_price (USD)"]
    assert header[9] == "price (USD)"
    assert [(r[4], r[11], r[12]) for r in rows[1:]] == [
        ("Ada One", "T-shirt (M)", "20.00"),
        ("Bo Two", "T-shirt (M)", "20.00"),
        ("Cy Three", "T-shirt (L)", "20.00"),
        ("Di Four", "", "0.00"),
    ]
    assert b"Pick-list" in reports.content
    assert list(csv.reader(io.StringIO(pick_csv.content.decode()))) == [
        ["add_on", "option", "count"],
        ["T-shirt", "M", "2"],
        ["T-shirt", "L", "1"],
    ]


def test_another_tenants_pick_list_is_empty(shirts, lead_client, tenant_b, client_b, log_in):
    with tenant_context(tenant_b):
        other = EventFactory(name="Beta Con", is_active=True)
        AddOnFactory(event=other, name="Mug", price=Decimal("5.00"), options=[])
    MembershipFactory(tenant=tenant_b, user=lead_client.lead, roles=[Role.REGISTRATION_LEAD])
    log_in(client_b, lead_client.lead)

    pick_csv = client_b.get("/admin/register/order/reports/pick-list.csv")
    people_csv = client_b.get("/admin/register/order/reports/pick-list-people.csv")

    assert pick_csv.content.decode().splitlines() == ["add_on,option,count", "Mug,,0"]
    assert people_csv.content.decode().splitlines() == [
        "add_on,option,badge_number,badge_name,legal_name,order"
    ]


def test_pick_list_keeps_an_option_removed_after_it_was_sold(shirts, tenant_a):
    """An option removed from the add-on after it was sold still appears on the pick list."""
    event, _, shirt, _ = shirts
    with tenant_context(tenant_a):
        shirt.options = ["L"]
        shirt.save(update_fields=["options"])

        counts = [(r.option, r.count) for r in add_on_pick_list(event=event)]

    assert counts == [("L", 1), ("M", 2)]
