"""Platform-wide reads: one query each, however many conventions there are."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt
from django_tenants.utils import get_public_schema_name

from directory.models import LISTING_POSITION, ConventionListing
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
    """The directory's conventions: upcoming ones, optionally matching a search (each word
    begins a word of the event, city or convention name), starting in ``month``, or within
    ``near.radius_km`` of a point (then nearest first, with ``distance_km``). Paginated by the
    caller; one query per page."""
    listings = upcoming_listings(today=today)
    words = _search_words(query)
    if words:
        # Every word must begin a word of the event, city or convention name: one look-up in
        # the listings' word index, however many conventions there are.
        prefixes = " & ".join(f"{word}:*" for word in words)
        listings = listings.filter(
            search_words=SearchQuery(prefixes, search_type="raw", config="simple")
        )
    if month is not None:
        # A date range, not the month's number: the order index reads it directly.
        next_month = (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        listings = listings.filter(start_date__gte=month.replace(day=1), start_date__lt=next_month)
    if near is not None:
        # The listings in a box around the point (read off the position index), then the
        # great-circle distance of those few for the radius and the order.
        listings = (
            listings.filter(_within_box_around(near))
            .annotate(distance_km=_great_circle_km(near))
            .filter(distance_km__lte=near.radius_km)
        )
        listings = listings.order_by("distance_km", "start_date")
    return listings


def _search_words(query: str) -> list[str]:
    """The query's first words, letters and digits only (nothing of tsquery's syntax)."""
    return re.findall(r"\w+", query.lower())[:MAX_SEARCH_WORDS]


MAX_SEARCH_WORDS = 5


def _within_box_around(near: Near) -> Func:
    """``point(longitude, latitude) <@ box(…)`` for the box that holds the circle of
    ``near.radius_km``: the condition the position index answers."""
    lat_span = near.radius_km / KM_PER_DEGREE
    lon_span = near.radius_km / (KM_PER_DEGREE * max(math.cos(math.radians(near.latitude)), 0.01))
    corners = [
        Func(
            Value(near.longitude + lon_sign * lon_span),
            Value(near.latitude + lat_sign * lat_span),
            function="point",
        )
        for lon_sign, lat_sign in ((-1, -1), (1, 1))
    ]
    return Func(
        LISTING_POSITION,
        Func(*corners, function="box"),
        template="(%(expressions)s)",
        arg_joiner=" <@ ",
        output_field=BooleanField(),
    )


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
    """Listed conventions (``ConventionListing.listed``) not yet over, soonest first, each with
    its primary host (``host``). One table: no join with the tenants."""
    return (
        ConventionListing.objects.filter(end_date__gte=today, listed=True)
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
