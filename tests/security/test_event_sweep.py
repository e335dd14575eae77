"""Isolation between the events of one convention, swept like isolation between conventions
(tests/security/test_url_sweep.py): every URL of the convention's site, asked for under next
year's address (``/<slug>/…``) with this year's real ids and secrets filled in, never answers a
200 carrying this year's private data, and never a 5xx — to anonymous visitors, to next year's
attendee, and (on the pages that list rather than fetch by id) to the convention's own admin."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import get_resolver
from django_tenants.utils import tenant_context

from register.models import BadgeLevel
from register.services import order_mark_paid, order_place
from tenant.roles import Role
from tests.conftest import TENANT_HOSTS
from tests.factories.event import EventFactory
from tests.factories.register import attendee
from tests.factories.tenant import MembershipFactory, UserFactory
from tests.security.test_url_sweep import _fill, _login, _walk, sweep_values

# This year's attendee, bought by an account of their own: nobody below is them.
PRIVATE = ["Zanzibar Thisyear", "zanzibar.thisyear@example.org", "+1 555 0131 77"]
NEXT = "/sum-2032"


@pytest.fixture
def events(tenant_a, settings):
    settings.DEBUG = True  # the simulated card's pages exist: sweep them too
    buyer_this_year = UserFactory(email="zanzibar.thisyear@example.org")
    buyer_next_year = UserFactory()
    with tenant_context(tenant_a):
        this = EventFactory(name="Summer Thirtyone", slug="sum-2031", is_active=True)
        following = EventFactory(name="Summer Thirtytwo", slug="sum-2032")
        level_this = BadgeLevel.objects.create(event=this, name="Day 31", price=Decimal("30"))
        level_next = BadgeLevel.objects.create(
            event=following, name="Early 32", price=Decimal("45")
        )
        private = order_place(
            event=this,
            account=buyer_this_year,
            provider="door",
            attendees=[
                attendee(
                    level_this,
                    legal_name=PRIVATE[0],
                    email=PRIVATE[1],
                    phone=PRIVATE[2],
                )
            ],
        )
        order_mark_paid(order_id=private.pk, amount=private.total)
        registration = private.registrations.get()
        own = order_place(
            event=following,
            account=buyer_next_year,
            provider="door",
            attendees=[
                attendee(level_next, legal_name="Quill Nextyear", badge_name="Quillnextyear")
            ],
        )
        order_mark_paid(order_id=own.pk, amount=own.total)
    admin = MembershipFactory(tenant=tenant_a, roles=[Role.ORG_ADMIN]).user
    host = TENANT_HOSTS["alpha"]
    return {
        "values": sweep_values(order=private, registration=registration, others=[level_this, this]),
        "visitors": {
            "anonymous": Client(HTTP_HOST=host),
            "attendee of next year": _login(host, buyer_next_year),
        },
        "admin": _login(host, admin),
        # What next year's own pages show of next year's own order (the attendee's badge
        # name, the admin's order reference).
        "own_next_year": ["Quillnextyear", own.reference],
    }


def _answers(clients: dict[str, Client], values, *, listing_pages_only: bool = False):
    for pattern, _ in _walk(get_resolver("midsummer.urls_tenant").url_patterns):
        path = NEXT + "/" + pattern
        if listing_pages_only and re.search(r"\{\w+:", path):
            continue
        if "logout" in path:  # the visitor would sweep the rest logged out
            continue
        for concrete in _fill(path, values):
            for who, client in clients.items():
                for method in ("get", "post"):
                    response = getattr(client, method)(concrete)
                    body = (
                        response.content.decode(errors="replace")
                        if response.status_code == 200
                        else ""
                    )
                    yield who, method, concrete, response.status_code, body


def test_next_years_address_shows_nothing_of_this_years_people_to_anyone_outside(events):
    answers = list(_answers(events["visitors"], events["values"]))

    server_errors = [a[:4] for a in answers if a[3] >= 500]
    leaks = [a[:4] for a in answers if any(secret in a[4] for secret in PRIVATE)]
    assert len(answers) > 500  # the whole URL space was asked for
    assert server_errors == []
    assert leaks == []
    # Next year's own attendee does see their own badge there: the check is not vacuous.
    assert any(own in a[4] for a in answers for own in events["own_next_year"])


def test_the_admin_under_next_years_address_lists_next_years_rows_only(events):
    answers = list(_answers({"admin": events["admin"]}, events["values"], listing_pages_only=True))

    assert [a[:4] for a in answers if a[3] >= 500] == []
    assert [a[:4] for a in answers if any(secret in a[4] for secret in PRIVATE)] == []
    assert any(own in a[4] for a in answers for own in events["own_next_year"])
