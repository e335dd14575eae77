"""Reports for the organizers: the registrations export, registrations and revenue over time
(against the previous event), totals by level, status and age band, discount-code usage and
waiting lists. Every figure is summed in the database from the rows it summarizes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate

from event.models import Event
from event.selectors import event_timezone, event_today, minor_cutoff
from register.models import (
    AddOn,
    BadgeLevel,
    DiscountCode,
    Order,
    Registration,
    RegistrationAddOn,
    Upgrade,
    WaitlistEntry,
)
from register.selectors.orders import active_order_q
from register.selectors.places import places_left, places_taken
from register.selectors.settings import registration_settings

MONEY: DecimalField = DecimalField(max_digits=12, decimal_places=2)
ZERO = Decimal("0.00")

REGISTRATION_EXPORT_COLUMNS = [
    "order",
    "status",
    "level",
    "badge_number",
    "legal_name",
    "badge_name",
    "birthdate",
    "email",
    "phone",
    "price",
    "discount",
    "add_ons",
    "add_ons_price",
    "upgraded",
    "paid_at",
]
MONEY_COLUMNS = {"price", "discount", "add_ons_price", "value", "revenue", "discount_total"}


def money_columns(columns: list[str], currency: str) -> list[str]:
    """CSV headers naming the currency of their amounts: ``price (USD)``."""
    return [f"{c} ({currency})" if c in MONEY_COLUMNS else c for c in columns]


def add_ons_value() -> Coalesce:
    """The price of a registration's add-ons (0 without any), for ``Registration`` queries:
    one correlated subquery, so summing it never multiplies the badge's own price by a join."""
    return Coalesce(
        Subquery(
            RegistrationAddOn.objects.filter(registration=OuterRef("pk"))
            .order_by()
            .values("registration")
            .annotate(total=Sum("price"))
            .values("total"),
            output_field=MONEY,
        ),
        Value(ZERO),
        output_field=MONEY,
    )


def add_ons_text(registration: Registration) -> str:
    """``T-shirt (M); Dinner`` — from prefetched ``add_ons`` (with their add-on)."""
    return "; ".join(
        f"{a.add_on.name} ({a.option})" if a.option else a.add_on.name
        for a in registration.add_ons.all()
    )


def registration_export_rows(*, orders: QuerySet[Order]) -> Iterator[list]:
    """One row per registration of these orders, in REGISTRATION_EXPORT_COLUMNS order: its
    add-ons (with their option) and their price, and its paid upgrades (the price column
    includes them)."""
    registrations = (
        Registration.objects.filter(order__in=orders)
        .select_related("order", "level")
        .prefetch_related(
            Prefetch(
                "add_ons",
                RegistrationAddOn.objects.select_related("add_on").order_by(
                    "add_on__sort_order", "add_on__name", "pk"
                ),
            ),
            Prefetch(
                "upgrades",
                Upgrade.objects.filter(applied_at__isnull=False, order__status=Order.Status.PAID)
                .select_related("from_level", "to_level", "order")
                .order_by("pk"),
            ),
        )
        .order_by("order__created_at", "pk")
    )
    for r in registrations.iterator(chunk_size=500):
        yield [
            r.order.reference,
            r.order.status,
            r.level.name,
            r.badge_number or "",
            r.legal_name,
            r.badge_name,
            r.birthdate.isoformat(),
            r.email,
            r.phone,
            r.price,
            r.discount,
            add_ons_text(r),
            sum((a.price for a in r.add_ons.all()), ZERO),
            "; ".join(
                f"{u.from_level.name} → {u.to_level.name} (+{u.difference}, {u.order.reference})"
                for u in r.upgrades.all()
            ),
            r.order.paid_at.isoformat() if r.order.paid_at else "",
        ]


@dataclass(frozen=True)
class TimelinePoint:
    day: dt.date
    level: str
    registrations: int
    revenue: Decimal


def registration_timeline(*, event: Event) -> list[TimelinePoint]:
    """Paid registrations and their revenue (badge less discount, with its add-ons) per day
    (in the event's time zone) and level; a paid upgrade's difference counts on the day it was
    paid, under the level it upgraded to."""
    zone = event_timezone(event)
    rows = (
        Registration.objects.filter(event=event, order__status=Order.Status.PAID)
        .annotate(
            day=TruncDate("order__paid_at", tzinfo=zone),
            add_ons_value=add_ons_value(),
            upgrades_value=upgrades_value(),
        )
        .values("day", "level__name")
        .annotate(
            n=Count("pk"),
            revenue=Sum(
                F("price") - F("discount") - F("upgrades_value") + F("add_ons_value"),
                output_field=MONEY,
            ),
        )
        .order_by()
    )
    upgrades = (
        applied_upgrades(event=event)
        .annotate(day=TruncDate("order__paid_at", tzinfo=zone))
        .values("day", "to_level__name")
        .annotate(revenue=Sum("difference"))
        .order_by()
    )
    points: dict[tuple[dt.date, str], list] = {}
    for r in rows:
        points[(r["day"], r["level__name"])] = [r["n"], r["revenue"]]
    for u in upgrades:
        point = points.setdefault((u["day"], u["to_level__name"]), [0, ZERO])
        point[1] += u["revenue"]
    return [
        TimelinePoint(day=day, level=level, registrations=n, revenue=revenue)
        for (day, level), (n, revenue) in sorted(points.items())
    ]


def applied_upgrades(*, event: Event) -> QuerySet[Upgrade]:
    """Upgrades of this event's badges that were paid and not refunded."""
    return Upgrade.objects.filter(
        registration__event=event, applied_at__isnull=False, order__status=Order.Status.PAID
    )


def upgrades_value() -> Coalesce:
    """What a registration's applied upgrades added to its price (0 without any): revenue of
    the upgrade's own day, not of the badge's."""
    return Coalesce(
        Subquery(
            Upgrade.objects.filter(
                registration=OuterRef("pk"),
                applied_at__isnull=False,
                order__status=Order.Status.PAID,
            )
            .order_by()
            .values("registration")
            .annotate(total=Sum("difference"))
            .values("total"),
            output_field=MONEY,
        ),
        Value(ZERO),
        output_field=MONEY,
    )


@dataclass(frozen=True)
class TotalsRow:
    level: str
    status: str
    age_band: str
    registrations: int
    value: Decimal  # price less discount of these badges, with their add-ons


def report_totals(*, event: Event) -> list[TotalsRow]:
    """Badges of the event by level, order status and age band (minor: born after the event's
    minors' cut-off), with their value (price less discount, plus their add-ons) — summed in the
    database. The paid rows add up to what the paid orders were paid."""
    band = Case(
        When(birthdate__gt=minor_cutoff(event), then=Value("minor")), default=Value("adult")
    )
    rows = (
        Registration.objects.filter(event=event)
        .annotate(band=band, add_ons_value=add_ons_value())
        .values("level__name", "order__status", "band")
        .annotate(n=Count("pk"), value=Sum(F("price") - F("discount") + F("add_ons_value")))
        .order_by("level__name", "order__status", "band")
    )
    return [
        TotalsRow(r["level__name"], r["order__status"], r["band"], r["n"], r["value"]) for r in rows
    ]


@dataclass(frozen=True)
class CodeUsageRow:
    code: str
    paid_orders: int
    discounted_badges: int
    discount_total: Decimal


def report_discount_usage(*, event: Event) -> list[CodeUsageRow]:
    """Each code of the event: paid orders using it, badges it discounted and the amount."""
    paid = Q(orders__status=Order.Status.PAID)
    discounted = paid & Q(orders__registrations__discount__gt=0)
    rows = (
        DiscountCode.objects.filter(event=event)
        .annotate(
            n_orders=Count("orders", filter=paid, distinct=True),
            n_badges=Count("orders__registrations", filter=discounted),
            discounted_sum=Sum("orders__registrations__discount", filter=discounted),
        )
        .order_by("code")
    )
    return [
        CodeUsageRow(c.code, c.n_orders, c.n_badges, c.discounted_sum or Decimal("0")) for c in rows
    ]


@dataclass(frozen=True)
class WaitlistRow:
    level: str
    waiting: int
    offered: int


def report_waitlist(*, event: Event) -> list[WaitlistRow]:
    """How many people wait for each level, and how many hold an offer now."""
    rows = (
        BadgeLevel.objects.filter(event=event)
        .annotate(
            n_waiting=Count("waitlist", filter=Q(waitlist__status=WaitlistEntry.Status.WAITING)),
            n_offered=Count("waitlist", filter=Q(waitlist__status=WaitlistEntry.Status.OFFERED)),
        )
        .order_by("sort_order", "name")
    )
    return [WaitlistRow(level.name, level.n_waiting, level.n_offered) for level in rows]


def previous_event(*, event: Event) -> Event | None:
    """The tenant's event before this one (by start date), to compare against."""
    return Event.objects.filter(start_date__lt=event.start_date).order_by("-start_date").first()


@dataclass(frozen=True)
class ComparedPoint:
    event: str
    days_before_opening: int
    level: str
    registrations: int
    revenue: Decimal


def registration_timeline_compared(*, event: Event) -> list[ComparedPoint]:
    """This event's timeline and the previous event's, each day counted in days before its
    own opening (negative: before), so both fit one axis."""
    points: list[ComparedPoint] = []
    for shown in [e for e in (event, previous_event(event=event)) if e is not None]:
        points.extend(
            ComparedPoint(
                shown.name, (p.day - shown.start_date).days, p.level, p.registrations, p.revenue
            )
            for p in registration_timeline(event=shown)
        )
    return points


@dataclass(frozen=True)
class PickListRow:
    add_on: str
    option: str
    count: int


@dataclass(frozen=True)
class PickListPerson:
    add_on: str
    option: str
    badge_number: int | None
    badge_name: str
    legal_name: str
    order: str


def _picked(event: Event) -> QuerySet[RegistrationAddOn]:
    """Add-ons of paid orders that will be handed out: the badge is assigned."""
    return RegistrationAddOn.objects.filter(
        registration__event=event,
        registration__order__status=Order.Status.PAID,
        registration__needs_holder=False,
    )


def add_on_pick_list(*, event: Event) -> list[PickListRow]:
    """How many of each add-on and option to hand out (paid orders), every add-on listed —
    none sold reads 0."""
    counts = {
        (r["add_on_id"], r["option"]): r["n"]
        for r in _picked(event).values("add_on_id", "option").annotate(n=Count("pk")).order_by()
    }
    rows: list[PickListRow] = []
    for add_on in AddOn.objects.filter(event=event).order_by("sort_order", "name"):
        options = list(add_on.options) or [""]
        sold_options = {o for (i, o) in counts if i == add_on.pk and o not in options}
        rows.extend(
            PickListRow(add_on.name, option, counts.get((add_on.pk, option), 0))
            for option in [*options, *sorted(sold_options)]
        )
    return rows


def add_on_pick_list_people(*, event: Event) -> list[PickListPerson]:
    """Who gets which add-on and option, by add-on, option and badge number."""
    rows = (
        _picked(event)
        .select_related("add_on", "registration__order")
        .order_by(
            "add_on__sort_order",
            "add_on__name",
            "option",
            "registration__badge_number",
            "registration__pk",
        )
    )
    return [
        PickListPerson(
            r.add_on.name,
            r.option,
            r.registration.badge_number,
            r.registration.badge_name,
            r.registration.legal_name,
            r.registration.order.reference,
        )
        for r in rows
    ]


@dataclass(frozen=True)
class LevelPlaces:
    level: str
    capacity: int | None
    left: int | None  # None: no limit


@dataclass(frozen=True)
class Dashboard:
    """What an organizer reads at a glance on the admin's index."""

    currency: str
    registrations_today: int  # paid badges whose order was paid today at the event
    registrations_total: int  # paid badges
    revenue: Decimal  # what paid orders (upgrades too) were paid, less their refunds
    waiting: int  # people on the waiting lists
    held_orders: int  # paid, held for review
    pending_orders: int  # unpaid orders still holding places
    places: list[LevelPlaces]
    last_days: list[tuple[dt.date, int]]  # paid badges per day, the last 14 days at the event


def registration_dashboard(*, event: Event, now: dt.datetime, days: int = 14) -> Dashboard:
    """The figures of the admin index's dashboard, each counted in the database; days are days
    at the event (its time zone)."""
    today = event_today(event, now)
    paid = Registration.objects.filter(event=event, order__status=Order.Status.PAID)
    per_day = dict(
        paid.annotate(day=TruncDate("order__paid_at", tzinfo=event_timezone(event)))
        .filter(day__gt=today - dt.timedelta(days=days))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("day", "n")
    )
    orders = Order.objects.filter(event=event).aggregate(
        revenue=Sum(F("total") - F("refunded_total"), filter=Q(status=Order.Status.PAID)),
        held=Count("pk", filter=Q(status=Order.Status.HELD)),
        pending=Count("pk", filter=Q(status=Order.Status.PENDING) & active_order_q(now=now)),
    )
    levels = list(BadgeLevel.objects.filter(event=event).order_by("sort_order", "name"))
    taken = places_taken(level_ids=[level.pk for level in levels], now=now)
    return Dashboard(
        currency=registration_settings(event=event).currency,
        registrations_today=per_day.get(today, 0),
        registrations_total=paid.count(),
        revenue=orders["revenue"] or ZERO,
        waiting=WaitlistEntry.objects.filter(
            level__event=event, status=WaitlistEntry.Status.WAITING
        ).count(),
        held_orders=orders["held"],
        pending_orders=orders["pending"],
        places=[LevelPlaces(lv.name, lv.capacity, places_left(lv, taken)) for lv in levels],
        last_days=[
            (day, per_day.get(day, 0))
            for day in (today - dt.timedelta(days=n) for n in range(days - 1, -1, -1))
        ],
    )
