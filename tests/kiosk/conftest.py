"""Fixtures of the door's tests: an active event in alpha with paid badges."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from event.models import Event
from event.services import event_generate_properties
from register.models import BadgeLevel, Order, Registration
from register.services import order_mark_paid, order_place
from tenant.roles import Role
from tests.clients import PersonClient
from tests.conftest import TENANT_HOSTS
from tests.factories.register import attendee
from tests.factories.tenant import PASSWORD, MembershipFactory, UserFactory

_names = itertools.count(1)


def make_event(**fields) -> tuple[Event, BadgeLevel]:
    event = Event.objects.create(
        **(
            {
                "name": "Door Con",
                "slug": f"door-con-{next(_names)}",
                "start_date": dt.date(2031, 7, 1),
                "end_date": dt.date(2031, 7, 3),
                "is_active": True,
            }
            | fields
        )
    )
    event_generate_properties(event=event)
    level = BadgeLevel.objects.create(event=event, name="Attendee", price=Decimal("60.00"))
    return event, level


def paid_badges(
    event: Event, level: BadgeLevel, *, count: int = 1, pay: bool = True, **person
) -> list[Registration]:
    """``count`` badges in one order of a new buyer, paid unless ``pay`` is false."""
    n = next(_names)
    buyer = UserFactory()
    order = order_place(
        event=event,
        account=buyer,
        attendees=[
            attendee(
                level,
                **(
                    {
                        "legal_name": f"Door Person {n}-{i}",
                        "badge_name": f"Badge {n}-{i}",
                        "email": f"door{n}-{i}@example.org",
                    }
                    | person
                ),
            )
            for i in range(count)
        ],
        provider="simulated",
    )
    if pay:
        order_mark_paid(order_id=order.pk, amount=order.total)
    return list(Registration.objects.filter(order=order).select_related("order", "level"))


@pytest.fixture
def door(tenant_a, settings):
    """An active event of alpha with one level: (event, level)."""
    settings.DEBUG = True  # the simulated card exists only with DEBUG on
    with tenant_context(tenant_a):
        yield make_event()


@pytest.fixture
def operator_client(tenant_a) -> Callable[..., Client]:
    """``operator_client(tenant="alpha", roles=[kiosk_operator])``: a logged-in client of a new
    member of alpha with those roles, on that tenant's host."""

    def make(*, tenant: str = "alpha", roles: list[str] | None = None) -> Client:
        member = MembershipFactory(
            tenant=tenant_a, roles=[Role.KIOSK_OPERATOR] if roles is None else roles
        ).user
        client = PersonClient(HTTP_HOST=TENANT_HOSTS[tenant])
        client.post("/accounts/login/", {"username": member.email, "password": PASSWORD})
        client.user = member
        return client

    return make


def order_status(registration: Registration, status: str) -> None:
    Order.objects.filter(pk=registration.order_id).update(status=status)


def basic_auth(app) -> str:
    import base64

    return "Basic " + base64.b64encode(f"{app.client_id}:{app.plain_secret}".encode()).decode()


@pytest.fixture
def device_client(tenant_a):
    """``device_client(tenant="alpha", enrolled=True)``: a client on that tenant's host whose
    requests carry a bearer token of a new OAuth client of alpha, enrolled as a kiosk Device
    of alpha unless ``enrolled`` is false (``client.device``, ``client.app``)."""
    from kiosk.models import Device
    from tests.factories.tenant import ApplicationFactory

    def make(*, tenant: str = "alpha", enrolled: bool = True) -> Client:
        app = ApplicationFactory(tenant=tenant_a)
        with tenant_context(tenant_a):
            device = (
                Device.objects.create(name="Door 1", application_id=app.pk) if enrolled else None
            )
        token_client = Client(HTTP_HOST=TENANT_HOSTS["alpha"])
        token = token_client.post(
            "/o/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=basic_auth(app)
        ).json()["access_token"]
        client = Client(HTTP_HOST=TENANT_HOSTS[tenant], HTTP_AUTHORIZATION=f"Bearer {token}")
        client.device, client.app = device, app
        return client

    return make
