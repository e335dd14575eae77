"""The demo conventions' dealers' den (``seed_demo``): a 40-table hall laid out in four rows,
three table types, two extras and a dozen dealers' applications in every state (pending,
scored, approved with an invoice, paid and placed on tables — one seated against their
wishes, one with their badge — waitlisted, declined): all through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from event.models import Event
from event.services import event_generate_properties
from midsummer.contract import DemoConvention
from register.models import BadgeLevel
from tenant.models import User
from tenant.services import user_create
from vendors.models import Application, Extra, TableType, VendorSettings
from vendors.services import (
    ApplicationInput,
    application_decide,
    application_submit,
    dealer_badge_issue,
    hall_layout_set,
    invoice_pay,
    review_submit,
    tables_place,
)

DEALERS = [
    ("Foxy Prints", "Art prints and stickers", "prints", "approved"),
    ("Plush Burrow", "Handmade plush", "plush", "paid"),
    ("Otter Ink", "Enamel pins and patches", "pins", "paid"),
    ("Lynx Leatherworks", "Collars and bags", "leather, costume", "paid"),
    ("Raccoon Resin", "Resin dice and charms", "dice, jewellery", "pending"),
    ("Crow Comics", "Comics and zines", "comics", "pending"),
    ("Badger Beads", "Beadwork and jewellery", "jewellery", "waitlisted"),
    ("Hare Hats", "Ears, tails and hats", "costume", "approved"),
    ("Stoat Studio", "Original paintings", "art", "declined"),
    ("Wolf Woodshop", "Carved signs", "wood", "paid"),
    ("Deer Designs", "Shirts and hoodies", "apparel", "pending"),
    ("Moth Mugs", "Ceramics", "ceramics", "waitlisted"),
]


def seed(demo: DemoConvention) -> None:
    """Idempotent: a convention whose event has a dealers' den keeps it."""
    event = Event.objects.filter(is_active=True).first()
    if event is None or VendorSettings.objects.filter(event=event).exists():
        return
    now = timezone.now()
    VendorSettings.objects.create(
        event=event,
        hall_tables=40,
        max_tables_per_dealer=2,
        opens_at=now - dt.timedelta(days=30),
        closes_at=dt.datetime.combine(event.start_date, dt.time(0), tzinfo=dt.UTC)
        - dt.timedelta(days=14),
        payment_days=14,
    )
    half = TableType.objects.create(event=event, name="Half table", price=Decimal("60.00"))
    full = TableType.objects.create(event=event, name="Full table", price=Decimal("110.00"))
    TableType.objects.create(
        event=event, name="Corner booth", price=Decimal("250.00"), hall_tables=2
    )
    power = Extra.objects.create(event=event, name="Power outlet", price=Decimal("25.00"))
    Extra.objects.create(event=event, name="Extra chair", price=Decimal("5.00"))
    hall_layout_set(event=event, rows=4, per_row=10)
    juror_email = f"juror@{demo.key}.localhost"
    juror = User.objects.filter(email=juror_email).first() or user_create(
        email=juror_email, password=None, full_name="Second juror"
    )
    jury = [demo.admin, juror]
    paid: list[Application] = []
    for n, (business, wares, categories, state) in enumerate(DEALERS):
        email = f"dealer{n}@{demo.key}.localhost"
        account = User.objects.filter(email=email).first() or user_create(
            email=email, password=None, full_name=f"{business} owner"
        )
        application = application_submit(
            event=event,
            account=account,
            data=ApplicationInput(
                business_name=business,
                contact_name=f"{business} owner",
                wares=wares,
                categories=categories,
                table_type=full if n % 3 == 0 else half,
                tables=1 + n % 2,
                extras=(power,) if n % 4 == 1 else (),
                partners=n % 2,
                seat_near="Otter Ink" if business == "Plush Burrow" else "",
                seat_far="Plush Burrow" if business == "Wolf Woodshop" else "",
                website=f"https://{business.lower().replace(' ', '-')}.example",
            ),
            now=now,
        )
        if state != "pending" or n % 2:
            for k, reviewer in enumerate(jury):
                review_submit(application=application, reviewer=reviewer, score=2 + (n + k) % 4)
        if state == "pending":
            continue
        decision = Application.Status.APPROVED if state in ("approved", "paid") else state
        application = application_decide(application_id=application.pk, decision=decision)
        if state == "paid":
            invoice_pay(reference=application.reference, amount=application.total)
            paid.append(application)
    # Placed along row A; Wolf Woodshop ends up beside Plush Burrow, whom they asked to sit
    # away from: the hall page warns about it.
    column = 1
    for application in sorted(paid, key=lambda a: a.business_name):
        labels = [f"A{column + i}" for i in range(application.hall_tables)]
        tables_place(application_id=application.pk, labels=labels)
        column += application.hall_tables
    first = min(paid, key=lambda a: a.pk)
    level = BadgeLevel.objects.filter(event=event, badge_kind="dealer").first()
    if level is not None:
        event_generate_properties(event=event)  # the badge ranges, if not made yet (idempotent)
        VendorSettings.objects.filter(event=event).update(
            badge_level=level, partner_price=Decimal("30.00")
        )
        owner = User.objects.get(pk=first.account_id)
        dealer_badge_issue(
            application_id=first.pk,
            account=owner,
            legal_name=owner.full_name,
            badge_name=first.business_name[:64],
            birthdate=dt.date(1988, 4, 2),
            email=owner.email,
            phone="+1 215 555 0100",
            emergency_contact="Sam, +1 215 555 0199",
        )
