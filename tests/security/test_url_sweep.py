"""Every URL the product serves — read from the URL resolvers, not from a hand list — asked
for on convention A's host by people who are nobody there (anonymous, an attendee of B, a member
of B, B's API token) and on the platform's host: never a 5xx, and never a 200 carrying A's
private data. A's own members and attendees get no 5xx either. New apps' URLs are swept the day
they are added."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern
from django_tenants.utils import tenant_context

from register.services import order_mark_paid, order_place
from tenant.roles import Role
from tests.clients import PersonClient
from tests.conftest import PUBLIC_HOST, TENANT_HOSTS
from tests.factories.event import EventFactory
from tests.factories.register import BadgeLevelFactory, attendee
from tests.factories.tenant import PASSWORD, ApplicationFactory, MembershipFactory, UserFactory

# What only A's people may ever see.
PRIVATE = ["Zanzibar Privatename", "zanzibar.private@example.org", "+1 555 0199 77"]


def _walk(patterns, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + _concrete(entry.pattern))
        else:
            yield prefix + _concrete(entry.pattern), entry


def _concrete(pattern) -> str:
    """A pattern as a path with placeholders ``{name:converter}`` for its parameters."""
    text = str(pattern)
    if isinstance(pattern, RegexPattern):
        text = text.removeprefix("^").removesuffix("$").replace("\\.", ".").replace("/?", "/")
        text = re.sub(r"\(\?P<(\w+)>([^)]*)\)", lambda m: "{" + m[1] + ":re:" + m[2] + "}", text)
        return text
    return re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "{" + m[2] + ":" + (m[1] or "str") + "}", text)


@dataclass
class World:
    values: dict[str, list[str]]
    outsiders: dict[str, Client]  # nobody at A: their 200s must not show A's private data
    insiders: dict[str, Client]  # A's own people: no 5xx


def _fill(path: str, values: dict[str, list[str]]) -> list[str]:
    """Concrete paths: each placeholder filled with A's real ids and secrets, or a fallback."""
    paths = [path]
    for name, converter in re.findall(r"\{(\w+):([^}]*)\}", path):
        placeholder = "{" + name + ":" + converter + "}"
        if converter.startswith("re:"):
            options = [converter[3:].split("|")[0].strip("()")]
        else:
            options = values.get(name) or values.get(converter) or ["1"]
        paths = [p.replace(placeholder, option, 1) for p in paths for option in options]
    return paths


def sweep_values(*, order, registration, others=()) -> dict[str, list[str]]:
    """What fills the URL placeholders: the ids and secrets of one private order and its
    badge (and of ``others``), so every id-taking URL is asked for with real ones."""
    ids = [str(registration.pk), str(order.pk), *(str(row.pk) for row in others)]
    return {
        "int": ids,
        "path": ids,
        "object_id": ids,
        "pk": ids,
        "str": [order.reference, registration.checkin_token],
        "reference": [order.reference],
        "token": [registration.checkin_token],
        "slug": ["code-of-conduct"],
        "uidb64": ["MQ"],
    }


def _login(host: str, user) -> Client:
    client = PersonClient(HTTP_HOST=host)
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def world(tenant_a, tenant_b, settings) -> World:
    settings.DEBUG = True  # the simulated card's pages exist: sweep them too
    alpha_member = MembershipFactory(tenant=tenant_a, roles=[Role.ORG_ADMIN]).user
    alpha_attendee = UserFactory(email="zanzibar.private@example.org")
    with tenant_context(tenant_a):
        level = BadgeLevelFactory(event=EventFactory(is_active=True), price=Decimal("10.00"))
        order = order_place(
            event=level.event,
            account=alpha_attendee,
            provider="simulated",
            attendees=[
                attendee(
                    level,
                    legal_name="Zanzibar Privatename",
                    email="zanzibar.private@example.org",
                    phone="+1 555 0199 77",
                )
            ],
        )
        order_mark_paid(order_id=order.pk, amount=order.total)
        registration = order.registrations.get()
    beta_member = MembershipFactory(tenant=tenant_b, is_tenant_superuser=True).user
    beta_attendee = UserFactory()
    beta_app = ApplicationFactory(tenant=tenant_b)
    basic = base64.b64encode(f"{beta_app.client_id}:{beta_app.plain_secret}".encode()).decode()
    beta_token = (
        Client(HTTP_HOST=TENANT_HOSTS["beta"])
        .post(
            "/o/token/",
            {"grant_type": "client_credentials", "scope": "read"},
            HTTP_AUTHORIZATION=f"Basic {basic}",
        )
        .json()["access_token"]
    )
    alpha = TENANT_HOSTS["alpha"]
    return World(
        values=sweep_values(order=order, registration=registration, others=[level]),
        outsiders={
            # Browsers: an event page's bare address is read at the event's, where it leads.
            "anonymous": PersonClient(HTTP_HOST=alpha),
            "attendee of B": _login(alpha, beta_attendee),
            "member of B": _login(alpha, beta_member),
            "token of B": PersonClient(HTTP_HOST=alpha, HTTP_AUTHORIZATION=f"Bearer {beta_token}"),
        },
        insiders={
            "member of A": _login(alpha, alpha_member),
            "attendee of A": _login(alpha, alpha_attendee),
        },
    )


def _sweep(
    urlconf: str, clients: dict[str, Client], values
) -> list[tuple[str, str, str, int, bool]]:
    answers = []
    for pattern, _ in _walk(get_resolver(urlconf).url_patterns):
        for path in _fill("/" + pattern, values):
            for who, client in clients.items():
                for method in ("get", "post"):
                    response = getattr(client, method)(path)
                    body = (
                        response.content.decode(errors="replace")
                        if response.status_code == 200
                        else ""
                    )
                    leaked = any(secret in body for secret in PRIVATE)
                    answers.append((who, method, path, response.status_code, leaked))
    return answers


def test_nobody_at_a_gets_a_5xx_or_as_private_data_on_any_url_of_as_host(world):
    answers = _sweep("midsummer.urls_tenant", world.outsiders, world.values)

    server_errors = [a[:4] for a in answers if a[3] >= 500]
    leaks = [a[:4] for a in answers if a[4]]
    assert len(answers) > 500  # the whole URL space was asked for
    assert server_errors == []
    assert leaks == []


def test_as_own_people_get_no_5xx_on_any_url_of_as_host(world):
    answers = _sweep("midsummer.urls_tenant", world.insiders, world.values)

    assert [a[:4] for a in answers if a[3] >= 500] == []
    # The sweep reaches A's data for A's people: the check above is not vacuous.
    assert any(a[4] for a in answers)


def test_the_platforms_host_serves_no_5xx_and_nothing_of_a(world):
    visitors = {"anonymous": Client(HTTP_HOST=PUBLIC_HOST)}

    answers = _sweep("midsummer.urls_public", visitors, world.values)

    assert [a[:4] for a in answers if a[3] >= 500] == []
    assert [a[:4] for a in answers if a[4]] == []
