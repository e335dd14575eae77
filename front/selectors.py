"""Reads for a convention's public site (the tenant being served)."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Min, Q, QuerySet

from event.models import Event
from front.models import Page, SiteBranding
from register.models import BadgeLevel
from register.selectors import level_offers, registration_settings


def site_branding() -> SiteBranding:
    """The convention's branding, or the defaults (unsaved) when it has none yet."""
    return SiteBranding.objects.order_by("pk").first() or SiteBranding()


def logo_bytes() -> bytes | None:
    """The convention's logo file as stored (this schema's media), or None without one."""
    logo = site_branding().logo
    if not logo:
        return None
    try:
        with logo.open("rb") as stored:
            return stored.read()
    except OSError:  # listed but gone from storage: print without it rather than fail
        return None


def nav_pages() -> QuerySet[Page]:
    return Page.objects.filter(is_published=True).only("title", "slug").order_by("nav_order")


def published_page(*, slug: str) -> Page | None:
    return Page.objects.filter(slug=slug, is_published=True).first()


class RegistrationState(enum.StrEnum):
    OPEN = "open"
    SOLD_OUT = "sold_out"
    NOT_YET_OPEN = "not_yet_open"
    CLOSED = "closed"


@dataclass(frozen=True)
class RegistrationStatus:
    state: RegistrationState
    opens_at: dt.datetime | None = None
    from_price: Decimal | None = None
    currency: str = "USD"


def registration_status(*, event: Event, now: dt.datetime) -> RegistrationStatus:
    """What the *Register* button can honestly promise now: open (from the cheapest badge on
    sale), sold out, not yet open (and when it opens, if known), or closed."""
    offers = level_offers(event=event, now=now)
    available = [offer for offer in offers if not offer.is_sold_out]
    if available:
        return RegistrationStatus(
            RegistrationState.OPEN,
            from_price=min(offer.price for offer in available),
            currency=registration_settings(event=event).currency,
        )
    if offers:
        return RegistrationStatus(RegistrationState.SOLD_OUT)
    later = BadgeLevel.objects.filter(event=event).aggregate(
        levels=Count("pk"),
        opens_at=Min("sale_starts_at", filter=Q(is_hidden=False, sale_starts_at__gt=now)),
    )
    if later["opens_at"] is not None or later["levels"] == 0:
        return RegistrationStatus(RegistrationState.NOT_YET_OPEN, opens_at=later["opens_at"])
    return RegistrationStatus(RegistrationState.CLOSED)
