import datetime as dt

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django_tenants.utils import tenant_context

from event.models import BadgeNumberRange, Event, EventDay
from event.services import event_create, event_generate_properties
from tests.factories.event import EventFactory


def test_database_refuses_a_second_active_event(tenant_a):
    with tenant_context(tenant_a):
        first = EventFactory(is_active=True)
        second = EventFactory(is_active=False)

        # A bulk update skips every form and model check: only the database stands in the way.
        with pytest.raises(IntegrityError), transaction.atomic():
            Event.objects.filter(pk=second.pk).update(is_active=True)

        assert list(Event.objects.filter(is_active=True)) == [first]


def test_each_tenant_may_have_its_own_active_event(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        EventFactory(is_active=True)
    with tenant_context(tenant_b):
        EventFactory(is_active=True)
        assert Event.objects.filter(is_active=True).count() == 1


def test_event_create_as_active_replaces_the_previous_active_event(tenant_a):
    with tenant_context(tenant_a):
        old = EventFactory(is_active=True)

        new = event_create(
            name="Next Year",
            slug="next-year",
            start_date=dt.date(2028, 7, 6),
            end_date=dt.date(2028, 7, 9),
            timezone="America/New_York",
            is_active=True,
        )

        old.refresh_from_db()
        assert (old.is_active, new.is_active) == (False, True)


def test_generate_properties_derives_days_cutoff_and_ranges(tenant_a):
    with tenant_context(tenant_a):
        event = EventFactory(start_date=dt.date(2027, 7, 1), end_date=dt.date(2027, 7, 4))

        result = event_generate_properties(event=event)

        event.refresh_from_db()
        days = list(EventDay.objects.filter(event=event).values_list("number", "date"))
        ranges = list(
            BadgeNumberRange.objects.filter(event=event).values_list(
                "kind", "first_number", "last_number"
            )
        )
    assert days == [(n, dt.date(2027, 7, n)) for n in range(1, 5)]
    assert event.minor_cutoff_date == dt.date(2009, 7, 1)
    assert ranges == [("staff", 1, 149), ("dealer", 150, 199), ("attendee", 200, None)]
    assert result.badge_ranges_created == 3


def test_a_dealer_range_is_added_only_where_it_overlaps_no_range_the_event_has(tenant_a):
    with tenant_context(tenant_a):
        event = EventFactory(start_date=dt.date(2027, 7, 1), end_date=dt.date(2027, 7, 4))
        BadgeNumberRange.objects.create(event=event, kind="staff", first_number=1, last_number=199)
        BadgeNumberRange.objects.create(event=event, kind="attendee", first_number=200)

        event_generate_properties(event=event)

        kinds = set(BadgeNumberRange.objects.filter(event=event).values_list("kind", flat=True))
    assert kinds == {"staff", "attendee"}  # 150–199 would share numbers with staff


def test_generate_properties_is_idempotent_and_follows_date_changes(tenant_a):
    with tenant_context(tenant_a):
        event = EventFactory(start_date=dt.date(2027, 7, 1), end_date=dt.date(2027, 7, 4))
        event_generate_properties(event=event)
        BadgeNumberRange.objects.filter(kind="staff").update(last_number=99)  # org customised
        Event.objects.filter(pk=event.pk).update(
            start_date=dt.date(2027, 7, 2), end_date=dt.date(2027, 7, 3)
        )

        event_generate_properties(event=event)
        second = event_generate_properties(event=event)

        days = list(EventDay.objects.filter(event=event).values_list("number", "date"))
        staff = BadgeNumberRange.objects.get(kind="staff")
    assert days == [(1, dt.date(2027, 7, 2)), (2, dt.date(2027, 7, 3))]
    assert staff.last_number == 99
    assert second.badge_ranges_created == 0


def test_leap_day_start_gets_a_valid_cutoff(tenant_a):
    with tenant_context(tenant_a):
        event = EventFactory(start_date=dt.date(2028, 2, 29), end_date=dt.date(2028, 3, 1))

        result = event_generate_properties(event=event)

    assert result.minor_cutoff_date == dt.date(2010, 2, 28)


def test_all_tenants_command_generates_properties_in_every_tenant(tenant_a, tenant_b, capsys):
    with tenant_context(tenant_a):
        EventFactory(name="Alpha Con", is_active=True)
    with tenant_context(tenant_b):
        EventFactory(name="Beta Con", is_active=True, end_date=dt.date(2027, 7, 1))

    call_command("all_tenants_command", "event__generate_properties")

    with tenant_context(tenant_a):
        days_a = EventDay.objects.count()
    with tenant_context(tenant_b):
        days_b = EventDay.objects.count()
    assert (days_a, days_b) == (4, 1)
    output = capsys.readouterr().out
    assert "[alpha] Alpha Con: 4 day(s)" in output
    assert "[beta] Beta Con: 1 day(s)" in output
    assert "[public] skipped" in output


def test_tenant_command_runs_in_the_named_schema_only(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        EventFactory(is_active=True)
    with tenant_context(tenant_b):
        EventFactory(is_active=True)

    call_command("tenant_command", "event__generate_properties", schema_name="alpha")

    with tenant_context(tenant_a):
        days_a = EventDay.objects.count()
    with tenant_context(tenant_b):
        days_b = EventDay.objects.count()
    assert (days_a, days_b) == (4, 0)


def test_generate_properties_covers_every_event_or_the_one_named(tenant_a, capsys):
    with tenant_context(tenant_a):
        this_year = EventFactory(name="Alpha 2027", slug="alpha-2027", is_active=True)
        next_year = EventFactory(
            name="Alpha 2028", slug="alpha-2028", start_date=dt.date(2028, 7, 1)
        )

    call_command(
        "tenant_command", "event__generate_properties", "--event", "alpha-2028", schema_name="alpha"
    )

    with tenant_context(tenant_a):
        assert (this_year.days.count(), next_year.days.count()) == (0, 4)

    call_command("tenant_command", "event__generate_properties", schema_name="alpha")

    with tenant_context(tenant_a):
        assert (this_year.days.count(), next_year.days.count()) == (4, 4)
    output = capsys.readouterr().out
    assert "[alpha] Alpha 2027: 4 day(s) 2027-07-01..2027-07-04" in output
    assert "[alpha] Alpha 2028: 4 day(s) 2028-07-01..2028-07-04" in output
