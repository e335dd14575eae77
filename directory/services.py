"""Keep the public-schema summaries in step with the tenant schemas."""

from __future__ import annotations

from django.db import transaction

from directory.models import ConventionAttendee, ConventionListing
from event.models import Event
from tenant.models import Tenant


@transaction.atomic
def listing_refresh(
    *, tenant: Tenant, event: Event | None, description: str = ""
) -> ConventionListing | None:
    """Make ``tenant``'s directory row show ``event`` (its active event), or remove the row
    when it has none. Side effect: writes one row in the public schema."""
    if event is None:
        ConventionListing.objects.filter(tenant=tenant).delete()
        return None
    listing, _ = ConventionListing.objects.update_or_create(
        tenant=tenant,
        defaults={
            "event_name": event.name,
            "start_date": event.start_date,
            "end_date": event.end_date,
            "timezone": event.timezone,
            "city": event.city,
            "venue_name": event.venue_name,
            "description": description[:600],
        },
    )
    return listing


def attendee_record(*, user_id: int, tenant: Tenant) -> None:
    """Remember that this account registered at ``tenant`` (idempotent). One ``INSERT … ON
    CONFLICT DO NOTHING``: it runs inside every order's transaction."""
    ConventionAttendee.objects.bulk_create(
        [ConventionAttendee(user_id=user_id, tenant=tenant)], ignore_conflicts=True
    )
