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


def _paid_badges(event, level_name: str, count: int) -> None:
    level = BadgeLevelFactory(event=event, name=level_name)
    order = order_place(
        event=event,
        account=UserFactory(),
        provider="simulated",
        attendees=[attendee(level) for _ in range(count)],
    )
    order_mark_paid(order_id=order.pk, amount=order.total)


def _levels_written(folder) -> list[tuple[str, str]]:
    rows = csv.DictReader((folder / "timeline.csv").open())
    return [(r["level"], r["registrations"]) for r in rows]


def test_timeline_export_writes_each_event_of_the_convention_apart(tenant_a, tmp_path):
    with tenant_context(tenant_a):
        this_year = EventFactory(is_active=True, slug="alpha-2027")
        next_year = EventFactory(slug="alpha-2028", start_date=this_year.start_date.replace(2028))
        _paid_badges(this_year, "Attendee", 2)
        _paid_badges(next_year, "Early bird", 1)

    call_command(
        "tenant_command",
        "register__export_reg_timeline",
        "--dir",
        str(tmp_path),
        schema_name="alpha",
    )

    assert _levels_written(tmp_path / "alpha" / "alpha-2027") == [("Attendee", "2")]
    assert _levels_written(tmp_path / "alpha" / "alpha-2028") == [("Early bird", "1")]


def test_timeline_export_of_one_event_writes_that_event_only(tenant_a, tmp_path, capsys):
    with tenant_context(tenant_a):
        this_year = EventFactory(is_active=True, slug="alpha-2027")
        next_year = EventFactory(slug="alpha-2028", start_date=this_year.start_date.replace(2028))
        _paid_badges(next_year, "Early bird", 3)

    call_command(
        "tenant_command",
        "register__export_reg_timeline",
        "--dir",
        str(tmp_path),
        "--event",
        "alpha-2028",
        schema_name="alpha",
    )
    call_command(
        "tenant_command",
        "register__export_reg_timeline",
        "--dir",
        str(tmp_path),
        "--event",
        "alpha-1999",
        schema_name="alpha",
    )

    assert [p.name for p in (tmp_path / "alpha").iterdir()] == ["alpha-2028"]
    assert _levels_written(tmp_path / "alpha" / "alpha-2028") == [("Early bird", "3")]
    assert "[alpha] skipped: no event 'alpha-1999'" in capsys.readouterr().out
