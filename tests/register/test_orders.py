import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from event.services import event_generate_properties
from register.models import BadgeLevel, Order, OrderStatusChange, Registration
from register.selectors import registration_by_checkin_token
from register.services import (
    PaymentConflictError,
    order_mark_paid,
    order_place,
    orders_release_expired_holds,
    registration_settings_update,
)
from tests.factories.event import EventFactory
from tests.factories.register import (
    AddOnFactory,
    BadgeLevelFactory,
    DiscountCodeFactory,
    PriceTierFactory,
    QuestionFactory,
    attendee,
)
from tests.factories.tenant import UserFactory

FEB = dt.datetime(2027, 2, 10, 12, tzinfo=dt.UTC)
MAY = dt.datetime(2027, 5, 10, 12, tzinfo=dt.UTC)


@pytest.fixture
def event(tenant_a):
    with tenant_context(tenant_a):
        event = EventFactory(start_date=dt.date(2027, 7, 1), end_date=dt.date(2027, 7, 4))
        event_generate_properties(event=event)
        yield event


@pytest.fixture
def buyer(db):
    return UserFactory()


def _place(event, buyer, attendees, *, provider=Order.Provider.SIMULATED, code="", now=FEB):
    return order_place(
        event=event,
        account=buyer,
        attendees=attendees,
        provider=provider,
        discount_code=code,
        now=now,
    )


def test_price_follows_the_tier_of_the_day(event, buyer):
    level = BadgeLevelFactory(event=event, price=Decimal("100.00"))
    PriceTierFactory(level=level, name="Early bird", price=Decimal("60.00"), starts_on="2027-01-01")
    PriceTierFactory(level=level, name="Regular", price=Decimal("80.00"), starts_on="2027-04-01")

    early = _place(event, buyer, [attendee(level)], now=FEB)
    regular = _place(event, buyer, [attendee(level)], now=MAY)
    at_door = _place(event, buyer, [attendee(level)], now=dt.datetime(2027, 7, 1, tzinfo=dt.UTC))

    assert [early.total, regular.total] == [Decimal("60.00"), Decimal("80.00")]
    assert at_door.total == Decimal("80.00")  # no tier for the door: the latest one stays


def test_adults_only_level_refuses_a_minor(event, buyer):
    level = BadgeLevelFactory(event=event, age_rule=BadgeLevel.AgeRule.ADULTS_ONLY)
    minor = attendee(
        level,
        birthdate=dt.date(2012, 3, 1),
        guardian_name="Pat",
        guardian_contact="pat@x.org",
        guardian_consent=True,
    )

    with pytest.raises(ValidationError) as error:
        _place(event, buyer, [minor])

    assert error.value.message_dict == {"level": [f"{level.name} is for adults only."]}


def test_minors_only_level_refuses_an_adult(event, buyer):
    level = BadgeLevelFactory(event=event, age_rule=BadgeLevel.AgeRule.MINORS_ONLY)

    with pytest.raises(ValidationError, match="for minors only"):
        _place(event, buyer, [attendee(level)])


def test_child_under_the_age_is_free_and_needs_a_guardian(event, buyer):
    level = BadgeLevelFactory(
        event=event, age_rule=BadgeLevel.AgeRule.FREE_UNDER, free_under_age=13
    )
    child = dict(birthdate=dt.date(2017, 1, 1))

    with pytest.raises(ValidationError, match="guardian"):
        _place(event, buyer, [attendee(level, **child)])
    order = _place(
        event,
        buyer,
        [
            attendee(
                level,
                **child,
                guardian_name="Pat Fox",
                guardian_contact="+1 555 0102",
                guardian_consent=True,
            )
        ],
    )

    assert (order.total, order.provider, order.status) == (Decimal("0.00"), "free", "paid")


def test_badge_name_blocklist_and_length(event, buyer):
    level = BadgeLevelFactory(event=event)
    registration_settings_update(event=event, badge_name_blocklist="rude\nworse")

    with pytest.raises(ValidationError, match="choose another badge name"):
        _place(event, buyer, [attendee(level, badge_name="Very RUDE fox")])
    with pytest.raises(ValidationError, match="1 to 24 characters"):
        _place(event, buyer, [attendee(level, badge_name="x" * 25)])


def test_required_question_must_be_answered(event, buyer):
    level = BadgeLevelFactory(event=event)
    question = QuestionFactory(event=event, is_required=True, kind="choice", choices=["S", "M"])

    with pytest.raises(ValidationError, match="needs an answer"):
        _place(event, buyer, [attendee(level)])
    with pytest.raises(ValidationError, match="pick one of the choices"):
        _place(event, buyer, [attendee(level, answers={question.pk: "XXL"})])
    order = _place(event, buyer, [attendee(level, answers={question.pk: "M"})])

    assert order.registrations.get().answers.get().value == "M"


def test_discount_code_is_case_insensitive_and_limited_in_uses(event, buyer):
    level = BadgeLevelFactory(event=event, price=Decimal("80.00"))
    DiscountCodeFactory(event=event, code="Friend25", kind="percent", amount=25, max_uses=1)

    first = _place(event, buyer, [attendee(level), attendee(level)], code="fRIEND25")
    with pytest.raises(ValidationError, match="does not apply"):
        _place(event, buyer, [attendee(level)], code="FRIEND25")

    assert (first.subtotal, first.discount_total, first.total) == (
        Decimal("160.00"),
        Decimal("20.00"),
        Decimal("140.00"),
    )


def test_discount_code_outside_its_window_or_levels_is_refused(event, buyer):
    level, other = BadgeLevelFactory(event=event), BadgeLevelFactory(event=event)
    DiscountCodeFactory(event=event, code="LATE", valid_until=FEB - dt.timedelta(days=1))
    only_other = DiscountCodeFactory(event=event, code="OTHER")
    only_other.levels.set([other])

    with pytest.raises(ValidationError, match="not valid for this event now"):
        _place(event, buyer, [attendee(level)], code="late")
    with pytest.raises(ValidationError, match="does not apply"):
        _place(event, buyer, [attendee(level)], code="other")
    with pytest.raises(ValidationError, match="not valid"):
        _place(event, buyer, [attendee(level)], code="NO-SUCH-CODE")


def test_hidden_level_needs_a_code_that_unlocks_it(event, buyer):
    hidden = BadgeLevelFactory(event=event, is_hidden=True, name="Staff friend")
    code = DiscountCodeFactory(event=event, code="BACKSTAGE", kind="fixed", amount=10)
    code.unlocks.set([hidden])

    with pytest.raises(ValidationError, match="not offered"):
        _place(event, buyer, [attendee(hidden)])
    order = _place(event, buyer, [attendee(hidden)], code="backstage")

    assert order.total == Decimal("50.00")


def test_sold_out_level_refuses_and_a_lapsed_hold_frees_the_place(event, buyer):
    level = BadgeLevelFactory(event=event, capacity=1)
    held = _place(event, buyer, [attendee(level)], now=FEB)

    with pytest.raises(ValidationError, match="sold out"):
        _place(event, buyer, [attendee(level)], now=FEB + dt.timedelta(minutes=19))
    later = FEB + dt.timedelta(minutes=21)
    released = orders_release_expired_holds(now=later)
    second = _place(event, buyer, [attendee(level)], now=later)

    held.refresh_from_db()
    assert released == 1
    assert held.status == Order.Status.EXPIRED
    assert second.status == Order.Status.PENDING
    with pytest.raises(PaymentConflictError):
        order_mark_paid(order_id=held.pk, amount=held.total)


def test_pay_at_the_door_holds_places_without_expiry(event, buyer):
    level = BadgeLevelFactory(event=event, capacity=1)
    door = _place(event, buyer, [attendee(level)], provider=Order.Provider.DOOR)

    orders_release_expired_holds(now=FEB + dt.timedelta(days=60))

    door.refresh_from_db()
    assert door.hold_expires_at is None and door.status == Order.Status.PENDING
    with pytest.raises(ValidationError, match="sold out"):
        _place(event, buyer, [attendee(level)], now=FEB + dt.timedelta(days=60))


def test_add_on_capacity_and_options(event, buyer):
    level = BadgeLevelFactory(event=event, price=Decimal("60.00"))
    shirt = AddOnFactory(event=event, name="T-shirt", capacity=1, options=["S", "M", "L"])

    with pytest.raises(ValidationError, match="choose an option"):
        _place(event, buyer, [attendee(level, add_ons=((shirt.pk, "XXL"),))])
    order = _place(event, buyer, [attendee(level, add_ons=((shirt.pk, "M"),))])
    with pytest.raises(ValidationError, match="T-shirt is sold out"):
        _place(event, buyer, [attendee(level, add_ons=((shirt.pk, "S"),))])

    assert order.total == Decimal("85.00")


def test_a_bad_attendee_leaves_no_order_hold_or_code_use_behind(event, buyer):
    level = BadgeLevelFactory(event=event, capacity=2)
    DiscountCodeFactory(event=event, code="ONCE", max_uses=1)
    good, bad = attendee(level), attendee(level, badge_name="")

    with pytest.raises(ValidationError):
        _place(event, buyer, [good, bad], code="ONCE")

    assert (Order.objects.count(), Registration.objects.count()) == (0, 0)
    assert OrderStatusChange.objects.count() == 0
    assert _place(event, buyer, [good, good], code="ONCE").discount_total == Decimal("6.00")


def test_paying_assigns_badge_numbers_from_the_ranges_once(event, buyer):
    attendee_level = BadgeLevelFactory(event=event)
    staff_level = BadgeLevelFactory(event=event, badge_kind="staff")
    first = _place(event, buyer, [attendee(attendee_level), attendee(staff_level)])
    second = _place(event, buyer, [attendee(attendee_level)])

    order_mark_paid(order_id=first.pk, amount=first.total)
    order_mark_paid(order_id=first.pk, amount=first.total)  # the same payment again
    order_mark_paid(order_id=second.pk, amount=second.total)

    numbers = list(
        Registration.objects.order_by("pk").values_list("level__badge_kind", "badge_number")
    )
    statuses = list(first.status_changes.values_list("to_status", flat=True))
    assert numbers == [("attendee", 200), ("staff", 1), ("attendee", 201)]
    assert statuses == ["pending", "paid"]


def test_payment_of_the_wrong_amount_is_refused(event, buyer):
    order = _place(event, buyer, [attendee(BadgeLevelFactory(event=event))])

    with pytest.raises(ValidationError, match="does not match"):
        order_mark_paid(order_id=order.pk, amount=Decimal("0.01"))


def test_orders_and_checkin_tokens_stay_in_their_tenant(event, buyer, tenant_b):
    order = _place(event, buyer, [attendee(BadgeLevelFactory(event=event))])
    order_mark_paid(order_id=order.pk, amount=order.total)
    token = order.registrations.get().checkin_token

    found_in_a = registration_by_checkin_token(token=token)
    with tenant_context(tenant_b):
        orders_in_b = Order.objects.count()
        found_in_b = registration_by_checkin_token(token=token)

    assert found_in_a is not None
    assert (orders_in_b, found_in_b) == (0, None)


def test_a_code_that_only_unlocks_a_level_can_be_used_to_buy_it(event, buyer):
    hidden = BadgeLevelFactory(event=event, is_hidden=True, price=Decimal("40.00"))
    DiscountCodeFactory(event=event, code="UNLOCK", kind="fixed", amount=0).unlocks.set([hidden])

    order = _place(event, buyer, [attendee(hidden)], code="unlock")

    assert (order.total, order.discount_code.code) == (Decimal("40.00"), "UNLOCK")


def test_another_tenants_discount_code_is_not_valid_here(event, buyer, tenant_b):
    level = BadgeLevelFactory(event=event)
    with tenant_context(tenant_b):
        DiscountCodeFactory(code="BETAONLY")

    with pytest.raises(ValidationError, match="not valid for this event now"):
        _place(event, buyer, [attendee(level)], code="betaonly")
