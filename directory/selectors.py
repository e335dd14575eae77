"""Platform-wide reads: one query each, however many conventions there are."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import (
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt
from django_tenants.utils import get_public_schema_name

from directory.models import ConventionListing
from tenant.models import Domain, Tenant

EARTH_RADIUS_KM = 6371.0
KM_PER_DEGREE = 111.2


@dataclass(frozen=True)
class Near:
    latitude: float
    longitude: float
    radius_km: float = 500.0


def directory_listings(
    *,
    today: dt.date,
    query: str = "",
    month: dt.date | None = None,
    near: Near | None = None,
) -> QuerySet[ConventionListing]:
    """The directory's conventions: upcoming ones, optionally matching a search (event, city or
    convention name), starting in ``month``, or within ``near.radius_km`` of a point (then
    nearest first, with ``distance_km``). Paginated by the caller; one query per page."""
    listings = upcoming_listings(today=today)
    if query.strip():
        words = query.split()
        for word in words[:5]:
            listings = listings.filter(
                Q(event_name__icontains=word)
                | Q(city__icontains=word)
                | Q(tenant__name__icontains=word)
            )
    if month is not None:
        listings = listings.filter(start_date__year=month.year, start_date__month=month.month)
    if near is not None:
        # A box first (an index-friendly filter), then the great-circle distance for the order.
        lat_span = near.radius_km / KM_PER_DEGREE
        lon_span = near.radius_km / (
            KM_PER_DEGREE * max(math.cos(math.radians(near.latitude)), 0.01)
        )
        listings = (
            listings.filter(
                latitude__range=(near.latitude - lat_span, near.latitude + lat_span),
                longitude__range=(near.longitude - lon_span, near.longitude + lon_span),
            )
            .annotate(distance_km=_great_circle_km(near))
            .filter(distance_km__lte=near.radius_km)
        )
        listings = listings.order_by("distance_km", "start_date")
    return listings


def _great_circle_km(near: Near):
    """Haversine distance from ``near`` to a listing's position, in SQL."""
    lat1, lon1 = math.radians(near.latitude), math.radians(near.longitude)
    lat2, lon2 = Radians(F("latitude")), Radians(F("longitude"))
    half_dlat = (lat2 - Value(lat1)) / 2
    half_dlon = (lon2 - Value(lon1)) / 2
    a = Power(Sin(half_dlat), 2) + Value(math.cos(lat1)) * Cos(lat2) * Power(Sin(half_dlon), 2)
    return ExpressionWrapper(Value(2 * EARTH_RADIUS_KM) * ASin(Sqrt(a)), output_field=FloatField())


def calendar_listings(*, today: dt.date) -> QuerySet[ConventionListing]:
    """What the iCal feed carries: conventions of the coming 13 months, at most
    CALENDAR_LIMIT (a feed a calendar app can load, however many conventions there are)."""
    horizon = today + dt.timedelta(days=400)
    return upcoming_listings(today=today).filter(start_date__lte=horizon)[:CALENDAR_LIMIT]


CALENDAR_LIMIT = 1000


def upcoming_listings(*, today: dt.date) -> QuerySet[ConventionListing]:
    """Conventions not yet over, soonest first, each with its primary host (``host``).
    Sandbox copies are rehearsals, never advertised."""
    return (
        ConventionListing.objects.filter(
            end_date__gte=today, tenant__is_active=True, tenant__is_sandbox=False
        )
        .select_related("tenant")
        .annotate(
            host=Subquery(
                Domain.objects.filter(tenant=OuterRef("tenant"), is_primary=True)
                .order_by("domain")
                .values("domain")[:1]
            )
        )
        .order_by("start_date", "event_name")
    )


def conventions_of_user(*, user_id: int) -> QuerySet[Tenant]:
    """Active conventions where the account holds a role or has registered, with ``host``."""
    return (
        Tenant.objects.filter(
            Q(memberships__user_id=user_id, memberships__accepted_at__isnull=False)
            | Q(attendees__user_id=user_id)
        )
        .filter(is_active=True)
        .exclude(schema_name=get_public_schema_name())
        .distinct()
        .annotate(
            host=Subquery(
                Domain.objects.filter(tenant=OuterRef("pk"), is_primary=True)
                .order_by("domain")
                .values("domain")[:1]
            )
        )
        .select_related("listing")
        .order_by("name")
    )
