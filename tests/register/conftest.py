"""Fixtures shared by the registration tests. A fixture two test modules need lives here, never
in one module for another to import."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from event.services import event_generate_properties
from tenant.roles import Role
from tests.clients import PersonClient
from tests.conftest import TENANT_HOSTS
from tests.factories.event import EventFactory
from tests.factories.register import AddOnFactory, BadgeLevelFactory
from tests.factories.tenant import PASSWORD, MembershipFactory, UserFactory


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
def buyer_client(client_a, log_in):
    """``client_a`` logged in as a new buyer (``buyer_client.buyer``)."""
    buyer = UserFactory()
    log_in(client_a, buyer)
    client_a.buyer = buyer
    return client_a


@pytest.fixture
def log_in():
    """``log_in(client, user)``: log ``user`` in on ``client`` (whose host it is) and return it
    (``client.user``)."""

    def log_in(client: Client, user) -> Client:
        client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
        client.user = user
        return client

    return log_in


@pytest.fixture
def logged_in(db, log_in):
    """``logged_in(user, tenant="alpha", **headers)``: a new client on that tenant's host,
    logged in as ``user``; ``headers`` go with every request (``HTTP_ACCEPT_LANGUAGE="de"``)."""

    def logged_in(user, *, tenant: str = "alpha", **headers) -> Client:
        return log_in(PersonClient(HTTP_HOST=TENANT_HOSTS[tenant], **headers), user)

    return logged_in


@pytest.fixture
def lead_client(tenant_a, client_a, log_in):
    """``client_a`` logged in as a new registration lead of alpha (``lead_client.lead``)."""
    lead = MembershipFactory(tenant=tenant_a, roles=[Role.REGISTRATION_LEAD]).user
    log_in(client_a, lead)
    client_a.lead = lead
    return client_a
