"""Two events of one convention at once (this year's, the default, and next year's on sale):
the fixture the tests of several events and of the admin across events share."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from event.models import Event
from register.models import BadgeLevel, Order
from register.services import order_mark_paid, order_place
from tests.conftest import TENANT_HOSTS
from tests.factories.event import EventFactory
from tests.factories.register import attendee
from tests.factories.tenant import PASSWORD, UserFactory

THIS_YEAR = "Summer Thirtyone"
NEXT_YEAR = "Summer Thirtytwo"


def paid(event: Event, level: BadgeLevel, buyer, name: str) -> Order:
    order = order_place(
        event=event, account=buyer, attendees=[attendee(level, legal_name=name)], provider="door"
    )
    return order_mark_paid(order_id=order.pk, amount=order.total)


@pytest.fixture
def two_events(tenant_a):
    """Alpha with this year's event (the default) and next year's on sale, a level and a paid
    badge of one buyer in each."""
    with tenant_context(tenant_a):
        this = EventFactory(name=THIS_YEAR, slug="sum-2031", is_active=True)
        following = EventFactory(name=NEXT_YEAR, slug="sum-2032", start_date=dt.date(2032, 7, 1))
        levels = [
            BadgeLevel.objects.create(event=this, name="Day Pass 31", price=Decimal("30")),
            BadgeLevel.objects.create(event=following, name="Early Bird 32", price=Decimal("45")),
        ]
        buyer = UserFactory()
        orders = [
            paid(this, levels[0], buyer, "Ada Thisyear"),
            paid(following, levels[1], buyer, "Ada Nextyear"),
        ]
    return SimpleNamespace(
        this=this, following=following, levels=levels, buyer=buyer, orders=orders
    )


def client_of(user=None) -> Client:
    """A client on Alpha's host, logged in as ``user`` when one is given."""
    client = Client(HTTP_HOST=TENANT_HOSTS["alpha"])
    if user is not None:
        client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    return client
