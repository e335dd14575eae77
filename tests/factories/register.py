"""Registration test data. Create inside ``tenant_context(tenant)``."""

import datetime as dt
from decimal import Decimal

import factory

from register.models import AddOn, BadgeLevel, DiscountCode, PriceTier, Question
from register.services import AttendeeInput
from tests.factories.event import EventFactory


class BadgeLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BadgeLevel

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Level {n}")
    price = Decimal("60.00")


class PriceTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceTier

    level = factory.SubFactory(BadgeLevelFactory)
    name = "Regular"
    price = Decimal("80.00")
    starts_on = dt.date(2027, 4, 1)


class AddOnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AddOn

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Add-on {n}")
    price = Decimal("25.00")


class DiscountCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DiscountCode

    event = factory.SubFactory(EventFactory)
    code = factory.Sequence(lambda n: f"FRIEND{n}")
    kind = DiscountCode.Kind.PERCENT
    amount = Decimal("10")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    event = factory.SubFactory(EventFactory)
    label = factory.Sequence(lambda n: f"Question {n}")


def attendee(level: BadgeLevel, **overrides) -> AttendeeInput:
    """An adult attendee for ``level``; override any field."""
    values = {
        "level_id": level.pk,
        "legal_name": "Robin Fox",
        "badge_name": "Robin",
        "birthdate": dt.date(1990, 5, 17),
        "email": "robin@example.org",
        "phone": "+1 215 555 0100",
        "emergency_contact": "Sam Fox +1 215 555 0101",
    }
    return AttendeeInput(**(values | overrides))
