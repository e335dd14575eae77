"""Demo registration setup (``seed_demo``): levels with price tiers, a T-shirt, a code."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from event.selectors import active_event
from midsummer.contract import DemoConvention
from register.models import AddOn, BadgeLevel, DiscountCode, PriceTier
from register.services import registration_settings_update


def seed(demo: DemoConvention) -> None:
    """Levels, tiers, an add-on and the code FRIEND10 for the active event, when it has none."""
    event = active_event()
    if event is None or BadgeLevel.objects.filter(event=event).exists():
        return
    today = demo.today
    attendee = BadgeLevel.objects.create(
        event=event,
        name="Attendee",
        price=Decimal("75.00"),
        capacity=500,
        sort_order=1,
        description="Four days of panels, dealers and dances.",
    )
    # Early bird now, regular from a month before the con, the level price at the door.
    PriceTier.objects.bulk_create(
        [
            PriceTier(
                level=attendee,
                name="Early bird",
                price=Decimal("55.00"),
                starts_on=today - dt.timedelta(days=60),
            ),
            PriceTier(
                level=attendee,
                name="Regular",
                price=Decimal("65.00"),
                starts_on=event.start_date - dt.timedelta(days=30),
            ),
            PriceTier(
                level=attendee,
                name="At the door",
                price=Decimal("75.00"),
                starts_on=event.start_date,
            ),
        ]
    )
    BadgeLevel.objects.create(
        event=event,
        name="Sponsor",
        price=Decimal("150.00"),
        capacity=100,
        sort_order=2,
        description="Attendee, plus a sponsor ribbon and early entry.",
        age_rule=BadgeLevel.AgeRule.ADULTS_ONLY,
    )
    BadgeLevel.objects.create(
        event=event,
        name="Child",
        price=Decimal("25.00"),
        sort_order=3,
        age_rule=BadgeLevel.AgeRule.FREE_UNDER,
        free_under_age=6,
        description="For attendees under 18; free under 6.",
    )
    # Never sold: the dealers' den issues these with a paid table (numbers from the dealer range).
    BadgeLevel.objects.create(
        event=event,
        name="Dealer",
        price=Decimal("0.00"),
        sort_order=9,
        is_hidden=True,
        badge_kind="dealer",
        description="Dealers and their partners, with a table in the dealers' den.",
    )
    AddOn.objects.create(
        event=event,
        name="T-shirt",
        price=Decimal("20.00"),
        capacity=300,
        options=["S", "M", "L", "XL", "XXL"],
    )
    DiscountCode.objects.create(event=event, code="FRIEND10", kind="percent", amount=10)
    # Lifecycle features on: transfers, and cancelling with a refund until two weeks before.
    registration_settings_update(
        event=event,
        transfers_allowed=True,
        self_cancel_until=event.start_date - dt.timedelta(days=14),
    )
