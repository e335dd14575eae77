"""Reports for the organizers: the registrations export, registrations and revenue over time
(against the previous event), totals by level, status and age band, discount-code usage and
waiting lists. Every figure is summed in the database from the rows it summarizes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncDate

from event.models import Event
from event.selectors import event_timezone, minor_cutoff
from register.models import BadgeLevel, DiscountCode, Order, Registration, WaitlistEntry

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
    "paid_at",
]


def registration_export_rows(*, orders: QuerySet[Order]) -> Iterator[list]:
    """One row per registration of these orders, in REGISTRATION_EXPORT_COLUMNS order."""
    registrations = (
        Registration.objects.filter(order__in=orders)
        .select_related("order", "level")
        .order_by("order__created_at", "pk")
    )
    for r in registrations.iterator():
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
            r.order.paid_at.isoformat() if r.order.paid_at else "",
        ]


@dataclass(frozen=True)
class TimelinePoint:
    day: dt.date
    level: str
    registrations: int
    revenue: Decimal


def registration_timeline(*, event: Event) -> list[TimelinePoint]:
    """Paid registrations and their revenue per day (in the event's time zone) and level."""
    rows = (
        Registration.objects.filter(event=event, order__status=Order.Status.PAID)
        .annotate(day=TruncDate("order__paid_at", tzinfo=event_timezone(event)))
        .values("day", "level__name")
        .annotate(n=Count("pk"), revenue=Sum(F("price") - F("discount")))
        .order_by("day", "level__name")
    )
    return [
        TimelinePoint(
            day=r["day"], level=r["level__name"], registrations=r["n"], revenue=r["revenue"]
        )
        for r in rows
    ]


@dataclass(frozen=True)
class TotalsRow:
    level: str
    status: str
    age_band: str
    registrations: int
    value: Decimal  # price less discount of these badges


def report_totals(*, event: Event) -> list[TotalsRow]:
    """Badges of the event by level, order status and age band (minor: born after the event's
    minors' cut-off), with their value (price less discount) — summed in the database."""
    band = Case(
        When(birthdate__gt=minor_cutoff(event), then=Value("minor")), default=Value("adult")
    )
    rows = (
        Registration.objects.filter(event=event)
        .annotate(band=band)
        .values("level__name", "order__status", "band")
        .annotate(n=Count("pk"), value=Sum(F("price") - F("discount")))
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
