"""One place per rule. Each test here fails when a second copy of a rule drifts from the first:
the day at the event, the minors' cut-off, when a discount code is valid, and registration
settings read without being written."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from event.models import Event
from register.models import BadgeLevel, RegistrationSettings
from register.selectors import registration_settings
from register.selectors.reports import report_totals
from register.services import (
    order_mark_paid,
    order_place,
    registration_settings_update,
    registrations_anonymize,
)
from register.services.throttles import CodeGuesser, discount_code_look_up
from tenant.roles import Role
from tests.factories.event import EventFactory
from tests.factories.register import (
    BadgeLevelFactory,
    DiscountCodeFactory,
    PriceTierFactory,
    attendee,
)
from tests.factories.tenant import PASSWORD, MembershipFactory, UserFactory

BASE = Path(settings.BASE_DIR)

# 23:30 on 14 January in Philadelphia is 04:30 on 15 January in UTC.
PHILADELPHIA_LATE = dt.datetime(2031, 1, 15, 4, 30, tzinfo=dt.UTC)
DAY_AT_THE_EVENT = dt.date(2031, 1, 14)


@pytest.fixture
def philadelphia(tenant_a, settings):
    """An event in Philadelphia whose prices go up on 15 January, with renaming and transfers
    open until 14 January, and a buyer holding a paid Attendee badge bought at 60.00."""
    settings.DEBUG = True
    with tenant_context(tenant_a), time_machine.travel(PHILADELPHIA_LATE, tick=False):
        event = EventFactory(
            is_active=True,
            timezone="America/New_York",
            start_date=dt.date(2031, 7, 1),
            end_date=dt.date(2031, 7, 4),
        )
        basic = BadgeLevelFactory(event=event, name="Attendee", price=Decimal("100.00"))
        sponsor = BadgeLevelFactory(event=event, name="Sponsor", price=Decimal("300.00"))
        for level, early, later in ((basic, "60.00", "80.00"), (sponsor, "150.00", "200.00")):
            PriceTierFactory(level=level, price=Decimal(early), starts_on=dt.date(2031, 1, 1))
            PriceTierFactory(level=level, price=Decimal(later), starts_on=dt.date(2031, 1, 15))
        registration_settings_update(
            event=event,
            badge_name_edit_until=DAY_AT_THE_EVENT,
            transfers_allowed=True,
            transfer_until=DAY_AT_THE_EVENT,
        )
        buyer = UserFactory()
        order = order_place(
            event=event, account=buyer, attendees=[attendee(basic)], provider="simulated"
        )
        order_mark_paid(order_id=order.pk, amount=order.total)
        yield event, buyer, order


def test_at_2330_in_philadelphia_both_pages_show_the_same_tier_and_deadlines(
    philadelphia, client_a
):
    event, buyer, order = philadelphia
    client_a.post("/accounts/login/", {"username": buyer.email, "password": PASSWORD})

    with time_machine.travel(PHILADELPHIA_LATE, tick=False):
        register_page = client_a.get("/register/").content.decode()
        mine = client_a.get("/register/mine/").content.decode()
        renamed = client_a.post(
            f"/register/mine/{order.registrations.get().pk}/badge-name/", {"badge_name": "Late"}
        )

    assert order.total == Decimal("60.00")  # the purchase priced it by the day at the event
    assert "Attendee — $60.00" in register_page and "$80.00" not in register_page
    assert "Sponsor (+$90.00)" in mine  # today's 150.00 less the 60.00 paid, not 200.00
    assert 'id="badge-name-' in mine and "Send transfer link" in mine
    assert renamed.status_code == 302


def test_the_next_morning_in_philadelphia_the_later_tier_and_closed_deadlines_show(
    philadelphia, client_a
):
    event, buyer, _ = philadelphia
    client_a.post("/accounts/login/", {"username": buyer.email, "password": PASSWORD})

    with time_machine.travel(PHILADELPHIA_LATE + dt.timedelta(hours=5), tick=False):
        register_page = client_a.get("/register/").content.decode()
        mine = client_a.get("/register/mine/").content.decode()

    assert "Attendee — $80.00" in register_page
    assert "Sponsor (+$140.00)" in mine
    assert 'id="badge-name-' not in mine and "Send transfer link" not in mine


@pytest.fixture
def underived_event(tenant_a):
    """An event whose derived properties were never generated: no stored minors' cut-off."""
    with tenant_context(tenant_a):
        event = EventFactory(is_active=True, start_date=dt.date(2031, 7, 1))
        assert event.minor_cutoff_date is None
        yield event


SEVENTEEN = dt.date(2013, 8, 1)  # 17 on 1 July 2031


def test_without_a_stored_cut_off_every_rule_agrees_who_is_a_minor(
    underived_event, tenant_a, client_a
):
    event = underived_event
    with tenant_context(tenant_a):
        adults = BadgeLevelFactory(event=event, age_rule=BadgeLevel.AgeRule.ADULTS_ONLY)
        anyone = BadgeLevelFactory(event=event, name="Anyone")
        guardian = {"guardian_name": "Pat", "guardian_contact": "pat@x.org"}
        teen = attendee(anyone, birthdate=SEVENTEEN, guardian_consent=True, **guardian)
        buyer = UserFactory()
        with pytest.raises(ValidationError) as refused:
            order_place(
                event=event,
                account=buyer,
                provider="door",
                attendees=[attendee(adults, birthdate=SEVENTEEN, **guardian)],
            )
        order = order_place(event=event, account=buyer, provider="door", attendees=[teen])
        bands = {row.age_band for row in report_totals(event=event)}
        registrations_anonymize(registration_ids=[order.registrations.get().pk])
        anonymized_birthdate = order.registrations.get().birthdate
        lead = MembershipFactory(tenant=tenant_a, roles=[Role.REGISTRATION_LEAD]).user
    client_a.post("/accounts/login/", {"username": lead.email, "password": PASSWORD})
    with_minors = client_a.get("/admin/register/order/?age=minor").content.decode()

    assert "is for adults only" in str(refused.value)
    assert bands == {"minor"}
    assert anonymized_birthdate > dt.date(2013, 7, 1)  # a minor stays a minor
    assert order.reference in with_minors


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "usable"),
    [
        (0, None, True),  # starts this very moment: valid from then on
        (1, None, False),  # starts a second later
        (None, 0, False),  # ends this very moment: no longer valid
        (None, 1, True),  # ends a second later
    ],
)
def test_the_page_and_the_purchase_agree_when_a_code_is_valid(
    sale, tenant_a, valid_from, valid_until, usable
):
    event, level, _ = sale
    now = dt.datetime(2031, 3, 1, 12, tzinfo=dt.UTC)
    at = {None: None} | {s: now + dt.timedelta(seconds=s) for s in (0, 1)}
    with tenant_context(tenant_a):
        DiscountCodeFactory(
            event=event, code="EDGE", valid_from=at[valid_from], valid_until=at[valid_until]
        )
        shown = discount_code_look_up(
            event=event, code="edge", guesser=CodeGuesser(account_id=1, client_ip="x"), now=now
        )
        try:
            order_place(
                event=event,
                account=UserFactory(),
                attendees=[attendee(level)],
                provider="simulated",
                discount_code="edge",
                now=now,
            )
            taken = True
        except ValidationError:
            taken = False

    assert (shown.code is not None, taken) == (usable, usable)


def test_reading_registration_settings_writes_nothing(sale, tenant_a, django_assert_num_queries):
    event, level, _ = sale
    with tenant_context(tenant_a):
        RegistrationSettings.objects.filter(event=event).delete()
        fresh = Event.objects.get(pk=event.pk)

        with django_assert_num_queries(1):
            found = registration_settings(event=fresh)
            again = registration_settings(event=fresh)  # read once per event instance
        order_place(
            event=Event.objects.get(pk=event.pk),
            account=UserFactory(),
            attendees=[attendee(level)],
            provider="door",
        )
        rows_after_reads = RegistrationSettings.objects.count()
        written = registration_settings_update(event=fresh, hold_minutes=30)

        assert (found.pk, found.hold_minutes, again.currency) == (None, 20, "USD")
        assert rows_after_reads == 0
        assert RegistrationSettings.objects.get().hold_minutes == written.hold_minutes == 30
        assert registration_settings(event=fresh).hold_minutes == 30


# --- the rules have one home each: a second copy in the code fails here ----------------------

APP_CODE = sorted(
    path
    for app in ("payments", "register", "front")
    for path in (BASE / app).rglob("*.py")
    if "migrations" not in path.parts
)


def _offenders(pattern: str, *, allowed: tuple[str, ...] = ()) -> list[str]:
    return [
        str(path.relative_to(BASE))
        for path in APP_CODE
        if re.search(pattern, path.read_text()) and str(path.relative_to(BASE)) not in allowed
    ]


def test_the_day_at_the_event_is_only_worked_out_by_event_selectors():
    assert _offenders(r"ZoneInfo\(|\.astimezone\(|localdate\(|\.date\(\)") == []


def test_the_minors_cut_off_is_only_worked_out_by_event_selectors():
    assert _offenders(r"minor_cutoff_date|minor_cutoff_for|age_of_majority") == []


def test_a_codes_validity_window_is_only_checked_in_selectors_codes():
    allowed = ("register/models.py", "register/selectors/codes.py", "register/admin.py")
    # Issuing loyalty codes writes a window (it never checks one).
    assert _offenders(r"valid_from|valid_until", allowed=allowed) == [
        "register/services/carry_over.py"
    ]


def test_registration_settings_are_read_in_one_place_and_never_created_by_a_read():
    allowed = ("register/models.py", "register/selectors/settings.py", "register/admin.py")
    assert _offenders(r"RegistrationSettings\.objects", allowed=allowed) == [
        "register/services/settings.py"  # the writer, which creates the row
    ]
    assert _offenders(r"get_or_create|update_or_create", allowed=("front/demo.py",)) == [
        "payments/services.py",  # a Stripe event is recorded once (a write)
        "register/services/settings.py",
    ]


def test_the_scans_above_read_the_apps_code():
    scanned = {str(path.relative_to(BASE)) for path in APP_CODE}
    assert {"register/services/purchase.py", "register/views.py", "front/selectors.py"} <= scanned
