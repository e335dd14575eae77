"""The convention admin's index: the registration figures an organizer reads at a glance
(rendered from the app contract's ``admin_tiles``), plain section and model names, and nothing
of another tenant."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from register.models import BadgeLevel, WaitlistEntry
from register.selectors import registration_dashboard
from register.services import order_mark_paid, order_place, order_refund
from tenant.roles import Role
from tests.factories.event import EventFactory
from tests.factories.register import BadgeLevelFactory, attendee
from tests.factories.tenant import MembershipFactory, UserFactory


@pytest.fixture
def dashboard_sales(sale, tenant_a):
    """Alpha: two paid badges (one with a shirt), one refunded, one unpaid holding a place, and
    two people waiting for the Sponsor level."""
    event, level, shirt = sale
    with tenant_context(tenant_a):
        BadgeLevel.objects.filter(pk=level.pk).update(capacity=10)
        sponsor = BadgeLevelFactory(
            event=event, name="Sponsor", price=Decimal("150.00"), capacity=1
        )
        for add_ons in [((shirt.pk, "M"),), ()]:
            order = order_place(
                event=event,
                account=UserFactory(),
                provider="simulated",
                attendees=[attendee(level, add_ons=add_ons)],
            )
            order_mark_paid(order_id=order.pk, amount=order.total)
        refunded = order_place(
            event=event, account=UserFactory(), provider="simulated", attendees=[attendee(level)]
        )
        order_mark_paid(order_id=refunded.pk, amount=refunded.total)
        order_refund(order_id=refunded.pk, amount=refunded.total)
        order_place(
            event=event, account=UserFactory(), provider="door", attendees=[attendee(sponsor)]
        )
        for _ in range(2):
            WaitlistEntry.objects.create(
                level=sponsor, account_id=UserFactory().pk, email="w@e.org"
            )
    return event


def test_dashboard_figures_count_what_happened(dashboard_sales, tenant_a):
    with tenant_context(tenant_a):
        figures = registration_dashboard(event=dashboard_sales, now=timezone.now())

    assert figures.registrations_today == 2
    assert figures.registrations_total == 2
    assert figures.revenue == Decimal("140.00")  # 60 + 20 shirt, 60; the refund not counted
    assert (figures.held_orders, figures.pending_orders, figures.waiting) == (0, 1, 2)
    assert [(p.level, p.capacity, p.left) for p in figures.places] == [
        ("Attendee", 10, 8),
        ("Sponsor", 1, 0),
    ]
    assert figures.last_days[-1][1] == 2 and len(figures.last_days) == 14


def test_admin_index_shows_the_dashboard_under_the_pages_nonce(dashboard_sales, lead_client):
    response = lead_client.get("/admin/")
    page = response.content.decode()

    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    tiles = {
        label: value
        for value, label in re.findall(
            r'<span class="tile-value">([^<]*)</span><span class="tile-label">([^<]*)</span>', page
        )
    }
    assert tiles == {
        "Registrations today": "2",
        "Registrations in all": "2",
        "Revenue (less refunds)": "$140.00",
        "Orders held for review": "0",
        "Unpaid orders holding places": "1",
        "On the waiting list": "2",
        "Places left: Attendee": "8 of 10",
        "Places left: Sponsor": "0 of 1",
    }
    chart = page.split('class="tile-chart"', 1)[1].split("</figure>", 1)[0]
    assert f'<style nonce="{nonce}"' in chart and "<script" not in chart


def test_admin_index_names_sections_and_models_for_organizers(
    dashboard_sales, tenant_a, client_a, log_in
):
    admin = MembershipFactory(tenant=tenant_a, roles=[Role.ORG_ADMIN]).user
    log_in(client_a, admin)

    page = client_a.get("/admin/").content.decode()

    assert "Team and access" in page and "Tenants and identity" not in page
    assert ">Registration settings<" in page and "settingss" not in page
    assert ">Add-ons<" in page and "Add ons" not in page
    assert ">Waiting-list entries<" in page


def test_another_tenants_admin_index_shows_none_of_these_figures(
    dashboard_sales, lead_client, tenant_b, client_b, log_in
):
    with tenant_context(tenant_b):
        EventFactory(name="Beta Con", is_active=True)
    MembershipFactory(tenant=tenant_b, user=lead_client.lead, roles=[Role.REGISTRATION_LEAD])
    log_in(client_b, lead_client.lead)

    page = client_b.get("/admin/").content.decode()

    assert '<span class="tile-value">0</span><span class="tile-label">Registrations in all' in page
    assert "$140.00" not in page and "Places left: Attendee" not in page


def test_no_registration_figures_for_those_who_may_not_see_orders(
    dashboard_sales, tenant_a, client_a, log_in
):
    staff_lead = MembershipFactory(tenant=tenant_a, roles=[Role.STAFF_LEAD]).user
    log_in(client_a, staff_lead)

    page = client_a.get("/admin/").content.decode()

    assert "Registrations today" not in page and "Revenue" not in page


def test_admin_dashboard_in_german(dashboard_sales, lead_client):
    page = lead_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert '<span class="tile-value">140,00\xa0$</span>' in page
    assert "Anmeldungen heute" in page and "Freie Plätze: Attendee" in page
    assert '<span class="tile-value">8 von 10</span>' in page
