"""Dealers' den fixtures: an active event of alpha with a hall, its settings and table types."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from event.models import Event
from tests.factories.tenant import UserFactory
from vendors.models import TableType, VendorSettings
from vendors.services import ApplicationInput, application_submit

_names = itertools.count(1)


def make_den(*, hall_tables: int = 10, name: str = "Den Con") -> SimpleNamespace:
    n = next(_names)
    event = Event.objects.create(
        name=name,
        slug=f"den-con-{n}",
        start_date=dt.date(2031, 7, 1),
        end_date=dt.date(2031, 7, 3),
        is_active=True,
    )
    now = timezone.now()
    settings = VendorSettings.objects.create(
        event=event,
        hall_tables=hall_tables,
        max_tables_per_dealer=2,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
        payment_days=14,
    )
    half = TableType.objects.create(event=event, name="Half table", price=Decimal("60.00"))
    double = TableType.objects.create(
        event=event, name="Double", price=Decimal("200.00"), hall_tables=2
    )
    return SimpleNamespace(event=event, settings=settings, half=half, double=double)


def apply(den, *, business: str = "", tables: int = 1, table_type=None, account=None):
    business = business or f"Dealer {next(_names)}"
    return application_submit(
        event=den.event,
        account=account or UserFactory(),
        data=ApplicationInput(
            business_name=business,
            contact_name=f"{business} owner",
            wares="Prints",
            table_type=table_type or den.half,
            tables=tables,
        ),
    )


@pytest.fixture
def den(tenant_a, settings):
    settings.DEBUG = True  # the simulated card exists only with DEBUG on
    with tenant_context(tenant_a):
        yield make_den()
