"""Security review finding 7: no CSV a person downloads can carry a formula."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from register.services import order_place
from tenant.exports import neutralized
from tenant.roles import Role
from tests.conftest import TENANT_HOSTS
from tests.factories.event import EventFactory
from tests.factories.register import BadgeLevelFactory, attendee
from tests.factories.tenant import PASSWORD, MembershipFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        (
            '=HYPERLINK("http://evil.example","click")',
            '\'=HYPERLINK("http://evil.example","click")',
        ),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Robin Fox", "Robin Fox"),
        (Decimal("-5.00"), Decimal("-5.00")),
        (42, 42),
    ],
)
def test_text_cells_that_read_as_formulas_are_neutralized(cell, written):
    assert neutralized(cell) == written


def test_the_registrations_csv_neutralizes_a_formula_in_a_legal_name(tenant_a):
    lead = MembershipFactory(tenant=tenant_a, roles=[Role.REGISTRATION_LEAD]).user
    with tenant_context(tenant_a):
        level = BadgeLevelFactory(event=EventFactory(), price=Decimal("0"))
        order = order_place(
            event=level.event,
            account=UserFactory(),
            provider="free",
            attendees=[attendee(level, legal_name='=HYPERLINK("http://evil.example","Robin")')],
        )
    client = Client(HTTP_HOST=TENANT_HOSTS["alpha"])
    client.post("/accounts/login/", {"username": lead.email, "password": PASSWORD})

    response = client.post(
        "/admin/register/order/",
        {"action": "export_csv", "_selected_action": [str(order.pk)]},
    )

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][4] == '\'=HYPERLINK("http://evil.example","Robin")'


def test_every_csv_of_the_product_is_written_through_the_safe_writer():
    """A new export written with ``csv.writer`` directly would skip the neutralizing."""
    packages = [
        folder
        for folder in ROOT.iterdir()
        if (folder / "__init__.py").exists() and folder.name not in {"tests", "bench"}
    ]
    product = [
        path
        for package in packages
        for path in package.rglob("*.py")
        if "migrations" not in path.parts and path != ROOT / "tenant" / "exports.py"
    ]

    direct = [
        str(path.relative_to(ROOT))
        for path in product
        if re.search(r"\bcsv\.(writer|DictWriter)\(", path.read_text(encoding="utf-8"))
    ]

    assert direct == []
