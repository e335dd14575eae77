"""Every read of the dealers' den."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Q, QuerySet, StdDev, Sum

from event.models import Event
from vendors.models import Application, Review, TableType, VendorSettings

Status = Application.Status


def vendor_settings(*, event: Event) -> VendorSettings | None:
    return VendorSettings.objects.filter(event=event).first()


def table_types(*, event: Event) -> QuerySet[TableType]:
    return TableType.objects.filter(event=event)


def application_of_account(*, event: Event, account_id: int) -> Application | None:
    return (
        Application.objects.filter(event=event, account_id=account_id)
        .select_related("table_type", "event")
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
        .order_by("table_numbers", "business_name")
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
