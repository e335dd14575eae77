"""Every read of the dealers' den."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations
from statistics import mean

from django.db.models import (
    Avg,
    BooleanField,
    Count,
    ExpressionWrapper,
    Prefetch,
    Q,
    QuerySet,
    StdDev,
    Sum,
)

from event.models import Event
from vendors.models import Application, Extra, HallTable, Photo, Review, TableType, VendorSettings

Status = Application.Status


def vendor_settings(*, event: Event) -> VendorSettings | None:
    return VendorSettings.objects.filter(event=event).first()


def table_types(*, event: Event) -> QuerySet[TableType]:
    return TableType.objects.filter(event=event)


def extras(*, event: Event) -> QuerySet[Extra]:
    return Extra.objects.filter(event=event)


def application_of_account(*, event: Event, account_id: int) -> Application | None:
    return (
        Application.objects.filter(event=event, account_id=account_id)
        .select_related("table_type", "event")
        .prefetch_related("extras", "photos", "badges__registration")
        .first()
    )


def applications_open(*, now: dt.datetime, settings: VendorSettings | None) -> bool:
    return settings is not None and settings.opens_at <= now < settings.closes_at


@dataclass(frozen=True)
class ReviewRow:
    application: Application
    my_score: int | None
    count: int
    average: Decimal | None  # shown to a juror only once they scored it
    spread: Decimal | None


def review_list(*, event: Event, reviewer_id: int, statuses: tuple[str, ...]) -> list[ReviewRow]:
    """Applications to review with the juror's own score and — once they gave one — the jury's
    average and spread (standard deviation): one query."""
    rows = (
        Application.objects.filter(event=event, status__in=statuses)
        .select_related("table_type")
        .annotate(
            review_count=Count("reviews"),
            review_average=Avg("reviews__score"),
            review_spread=StdDev("reviews__score"),
            my_score=Avg("reviews__score", filter=Q(reviews__reviewer_id=reviewer_id)),
        )
        .order_by("created_at")
    )
    result = []
    for row in rows:
        mine = int(row.my_score) if row.my_score is not None else None
        seen = mine is not None
        result.append(
            ReviewRow(
                application=row,
                my_score=mine,
                count=row.review_count,
                average=_round(row.review_average) if seen else None,
                spread=_round(row.review_spread) if seen else None,
            )
        )
    return result


def _round(value: float | Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))


def reviews_seen_by(*, application: Application, reviewer_id: int) -> list[Review]:
    """The jury's scores of an application — only for a juror who scored it already."""
    reviews = list(application.reviews.order_by("created_at"))
    if not any(r.reviewer_id == reviewer_id for r in reviews):
        return []
    return reviews


def den_listing(*, event: Event) -> QuerySet[Application]:
    """Paid dealers, for the public Dealers' Den page (no personal data: business, wares,
    categories, link, table numbers)."""
    return (
        Application.objects.filter(event=event, status=Status.PAID)
        .only("business_name", "website", "wares", "categories", "table_numbers", "event_id")
        .prefetch_related(Prefetch("photos", queryset=Photo.objects.only("image", "application")))
        .order_by("table_numbers", "business_name")
    )


@dataclass(frozen=True)
class HallMap:
    """The layout as rows of tables (None where the grid has a gap), for the lead's page and
    the public den's map."""

    rows: list[list[HallTable | None]]
    columns: int

    @property
    def tables(self) -> int:
        return sum(1 for row in self.rows for table in row if table is not None)


def hall_map(*, event: Event) -> HallMap:
    tables = list(
        HallTable.objects.filter(event=event)
        .select_related("application")
        .only("label", "row", "column", "application__business_name", "application__status")
    )
    if not tables:
        return HallMap(rows=[], columns=0)
    columns = max(t.column for t in tables)
    grid: dict[int, list[HallTable | None]] = {}
    for table in tables:
        grid.setdefault(table.row, [None] * columns)[table.column - 1] = table
    return HallMap(rows=[grid[row] for row in sorted(grid)], columns=columns)


def dealers_to_place(*, event: Event) -> QuerySet[Application]:
    """Paid dealers, those still without tables first."""
    return (
        Application.objects.filter(event=event, status=Status.PAID)
        .select_related("table_type")
        .annotate(unplaced=ExpressionWrapper(Q(table_numbers=""), output_field=BooleanField()))
        .order_by("-unplaced", "business_name")
    )


# Tables within this many places of each other (across rows as along them) are "near".
NEAR = 2


@dataclass(frozen=True)
class SeatingWarning:
    application: Application
    other: str
    wanted_near: bool  # True: asked to sit near, is not; False: asked to sit away, is near
    distance: int


def _names(text: str) -> list[str]:
    return [name.strip().casefold() for name in text.split(",") if name.strip()]


def seating_warnings(*, event: Event) -> list[SeatingWarning]:
    """Placed dealers whose near/far requests their places do not honour (distance: the most
    table steps, across or along rows, between the closest of their tables)."""
    seats: dict[int, list[tuple[int, int]]] = {}
    for row, column, application_id in HallTable.objects.filter(
        event=event, application__isnull=False
    ).values_list("row", "column", "application_id"):
        seats.setdefault(application_id, []).append((row, column))
    placed = list(
        Application.objects.filter(pk__in=seats).only("business_name", "seat_near", "seat_far")
    )
    by_name = {a.business_name.casefold(): a for a in placed}
    warnings = []
    for application in placed:
        for names, wanted_near in ((application.seat_near, True), (application.seat_far, False)):
            for name in _names(names):
                other = by_name.get(name)
                if other is None or other.pk == application.pk:
                    continue
                distance = min(
                    max(abs(r1 - r2), abs(c1 - c2))
                    for r1, c1 in seats[application.pk]
                    for r2, c2 in seats[other.pk]
                )
                if (distance <= NEAR) != wanted_near:
                    warnings.append(
                        SeatingWarning(application, other.business_name, wanted_near, distance)
                    )
    return warnings


@dataclass(frozen=True)
class TableTypeSales:
    name: str
    price: Decimal
    sold: int  # tables of this type paid for
    revenue: Decimal


@dataclass(frozen=True)
class ReviewerAgreement:
    reviewers: int
    scored: int  # applications with two or more scores
    mean_spread: Decimal | None  # the average standard deviation of their scores
    mean_gap: Decimal | None  # the average score difference between two jurors


@dataclass(frozen=True)
class DenReport:
    table_types: list[TableTypeSales]
    categories: list[tuple[str, int]]  # applications per category, most first
    statuses: list[tuple[str, int]]
    revenue: Decimal
    refunded: Decimal
    agreement: ReviewerAgreement


def den_report(*, event: Event) -> DenReport:
    """The vendor lead's figures: tables sold per type, revenue, applications per category and
    state, and how far the jurors agree."""
    applications = Application.objects.filter(event=event)
    sold = {
        row["table_type_id"]: row
        for row in applications.filter(status=Status.PAID)
        .values("table_type_id")
        .annotate(tables=Sum("tables"), revenue=Sum("total"))
    }
    per_category: dict[str, int] = {}
    for categories in applications.values_list("categories", flat=True):
        for category in {c.strip().lower() for c in categories.split(",") if c.strip()}:
            per_category[category] = per_category.get(category, 0) + 1
    statuses = dict(applications.values_list("status").annotate(count=Count("pk")))
    money = applications.aggregate(
        revenue=Sum("total", filter=Q(status=Status.PAID)), refunded=Sum("refunded_total")
    )
    return DenReport(
        table_types=[
            TableTypeSales(
                t.name,
                t.price,
                sold.get(t.pk, {}).get("tables", 0),
                sold.get(t.pk, {}).get("revenue", Decimal("0")),
            )
            for t in table_types(event=event)
        ],
        categories=sorted(per_category.items(), key=lambda item: (-item[1], item[0])),
        statuses=[(str(label), statuses.get(value, 0)) for value, label in Status.choices],
        revenue=money["revenue"] or Decimal("0"),
        refunded=money["refunded"] or Decimal("0"),
        agreement=reviewer_agreement(event=event),
    )


def reviewer_agreement(*, event: Event) -> ReviewerAgreement:
    scores: dict[int, dict[int, int]] = {}
    for application_id, reviewer_id, score in Review.objects.filter(
        application__event=event
    ).values_list("application_id", "reviewer_id", "score"):
        scores.setdefault(application_id, {})[reviewer_id] = score
    spreads: list[float] = []
    gaps: list[int] = []
    for by_reviewer in scores.values():
        values = list(by_reviewer.values())
        if len(values) < 2:
            continue
        average = mean(values)
        spreads.append(mean((v - average) ** 2 for v in values) ** 0.5)
        gaps.extend(abs(a - b) for a, b in combinations(values, 2))
    return ReviewerAgreement(
        reviewers=len({r for by_reviewer in scores.values() for r in by_reviewer}),
        scored=len(spreads),
        mean_spread=_round(mean(spreads)) if spreads else None,
        mean_gap=_round(mean(gaps)) if gaps else None,
    )


def applications_for_export(*, event: Event) -> QuerySet[Application]:
    return (
        Application.objects.filter(event=event)
        .select_related("table_type")
        .prefetch_related("extras")
        .annotate(review_count=Count("reviews"), review_average=Avg("reviews__score"))
        .order_by("created_at")
    )


@dataclass(frozen=True)
class HallFigures:
    hall_tables: int
    held: int
    paid: int
    revenue: Decimal


def hall_figures(*, event: Event, settings: VendorSettings) -> HallFigures:
    figures = Application.objects.filter(event=event).aggregate(
        held=Sum("hall_tables", filter=Q(status__in=[Status.APPROVED, Status.PAID])),
        paid=Sum("hall_tables", filter=Q(status=Status.PAID)),
        revenue=Sum("total", filter=Q(status=Status.PAID)),
    )
    return HallFigures(
        hall_tables=settings.hall_tables,
        held=figures["held"] or 0,
        paid=figures["paid"] or 0,
        revenue=figures["revenue"] or Decimal("0"),
    )
