"""API fixtures: alpha's current event with a badge level and a paid registration, and
bearer-token clients of alpha's (or beta's) OAuth applications with the scopes asked for."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client
from django_tenants.utils import tenant_context
from oauth2_provider.models import AccessToken

from register.models import BadgeLevel
from register.services import order_mark_paid, order_place
from tests.conftest import TENANT_HOSTS
from tests.factories.event import EventFactory
from tests.factories.register import attendee
from tests.factories.tenant import ApplicationFactory, UserFactory
from tests.kiosk.conftest import basic_auth

ALL_SCOPES = " ".join(settings.API_SCOPES)
PRIVATE_NAME = "Zelda Apiprivate"


@pytest.fixture
def convention(tenant_a):
    """Alpha's current event with an attendee level and one paid registration."""
    return make_convention(tenant_a)


def make_convention(tenant_a) -> SimpleNamespace:
    with tenant_context(tenant_a):
        event = EventFactory(
            start_date=dt.date(2031, 7, 1), end_date=dt.date(2031, 7, 3), is_active=True
        )
        level = BadgeLevel.objects.create(event=event, name="Attendee", price=Decimal("50.00"))
        buyer = UserFactory()
        order = order_place(
            event=event,
            account=buyer,
            attendees=[attendee(level, legal_name=PRIVATE_NAME, email="zelda@example.org")],
            provider="simulated",
        )
        order = order_mark_paid(order_id=order.pk, amount=order.total)
        registration = order.registrations.get()
    return SimpleNamespace(event=event, level=level, registration=registration, order=order)


def token_for(tenant, *, scopes: str = ALL_SCOPES, granted: str = ALL_SCOPES) -> tuple[str, object]:
    """A client-credentials token of a new application of ``tenant`` (given ``granted``),
    asked for ``scopes``."""
    app = ApplicationFactory(tenant=tenant, api_scopes=granted)
    answer = Client(HTTP_HOST=TENANT_HOSTS[tenant.schema_name]).post(
        "/o/token/",
        {"grant_type": "client_credentials", "scope": scopes},
        HTTP_AUTHORIZATION=basic_auth(app),
    )
    return answer.json().get("access_token", ""), app


def person_token(tenant, user, *, scopes: str = ALL_SCOPES) -> str:
    """A token acting for ``user`` (as an authorization-code grant would give it)."""
    app = ApplicationFactory(
        tenant=tenant,
        api_scopes=ALL_SCOPES,
        authorization_grant_type="authorization-code",
        redirect_uris="https://bot.example/callback",
    )
    token = AccessToken.objects.create(
        user=user,
        application=app,
        token=f"person-{app.pk}-{user.pk}",
        scope=scopes,
        expires="2099-01-01T00:00:00Z",
    )
    return token.token


def api_client(tenant_name: str, token: str = "") -> Client:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client(HTTP_HOST=TENANT_HOSTS[tenant_name], **headers)
