"""Staffing fixtures: an event (New York time) in 2031 with a department."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django_tenants.utils import tenant_context

from staff.timing import at_local
from tests.factories.event import EventFactory
from tests.factories.staff import DepartmentFactory
from tests.factories.tenant import PASSWORD, UserFactory

FIRST_DAY = dt.date(2031, 7, 1)
# "Now" in the tests: well before the event, so every shift is in the future.
NOW = dt.datetime(2031, 6, 1, 12, 0, tzinfo=dt.UTC)


def at(event, day: int, clock: str) -> dt.datetime:
    """``clock`` (HH:MM) on the event's ``day`` (1 = first), on the event's clocks."""
    hours, minutes = (int(x) for x in clock.split(":"))
    return at_local(event.start_date + dt.timedelta(days=day - 1), dt.time(hours, minutes), event)


def make_staffing(name: str = "Alpha Con") -> SimpleNamespace:
    event = EventFactory(
        name=name,
        is_active=True,
        start_date=FIRST_DAY,
        end_date=FIRST_DAY + dt.timedelta(days=2),
        timezone="America/New_York",
    )
    department = DepartmentFactory(event=event, name="Registration", slug="registration")
    return SimpleNamespace(event=event, department=department)


@pytest.fixture
def staffing(tenant_a):
    with tenant_context(tenant_a):
        return make_staffing()


def log_in(client, user=None):
    user = user or UserFactory()
    client.logout()
    client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    client.user = user
    return client
