"""Platform-wide reads: one query each, however many conventions there are."""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django_tenants.utils import get_public_schema_name

from directory.models import ConventionListing
from tenant.models import Domain, Tenant


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
