import csv

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import tenant_context

from register.services import order_mark_paid, order_place
from tests.factories.event import EventFactory
from tests.factories.register import BadgeLevelFactory, attendee
from tests.factories.tenant import UserFactory


def test_timeline_export_writes_csv_and_chart_for_the_tenants_event(tenant_a, tmp_path):
    with tenant_context(tenant_a):
        event = EventFactory(is_active=True, slug="alpha-con-2027")
        level = BadgeLevelFactory(event=event, name="Attendee")
        order = order_place(
            event=event,
            account=UserFactory(),
            provider="simulated",
            attendees=[attendee(level), attendee(level)],
        )
        order_mark_paid(order_id=order.pk, amount=order.total)

    call_command(
        "tenant_command",
        "register__export_reg_timeline",
        "--dir",
        str(tmp_path),
        schema_name="alpha",
    )

    folder = tmp_path / "alpha" / "alpha-con-2027"
    rows = list(csv.DictReader((folder / "timeline.csv").open()))
    assert [(r["level"], r["registrations"], r["revenue"]) for r in rows] == [
        ("Attendee", "2", "120.00")
    ]
    svg = (folder / "timeline.svg").read_text()
    assert svg.startswith("<svg") and "Attendee: 2" in svg and "<script" not in svg


def test_timeline_export_refuses_the_public_schema(db, tmp_path):
    with pytest.raises(CommandError, match="public schema holds no registrations"):
        call_command("register__export_reg_timeline", "--dir", str(tmp_path))

    assert list(tmp_path.iterdir()) == []
