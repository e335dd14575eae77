"""Fixtures shared by the registration tests."""

import datetime as dt
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from event.services import event_generate_properties
from tests.factories.event import EventFactory
from tests.factories.register import AddOnFactory, BadgeLevelFactory
from tests.factories.tenant import PASSWORD, UserFactory


@pytest.fixture
def sale(tenant_a, settings):
    settings.DEBUG = True  # the simulated card exists only with DEBUG on
    with tenant_context(tenant_a):
        event = EventFactory(
            is_active=True, start_date=dt.date(2031, 7, 1), end_date=dt.date(2031, 7, 4)
        )
        event_generate_properties(event=event)
        level = BadgeLevelFactory(event=event, name="Attendee", price=Decimal("60.00"), capacity=2)
        shirt = AddOnFactory(
            event=event, name="T-shirt", price=Decimal("20.00"), options=["M", "L"]
        )
    return event, level, shirt


@pytest.fixture
def buyer_client(client_a):
    buyer = UserFactory()
    client_a.post("/accounts/login/", {"username": buyer.email, "password": PASSWORD})
    client_a.buyer = buyer
    return client_a
