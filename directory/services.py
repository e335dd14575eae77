"""Keep the public-schema summaries in step with the tenant schemas."""

from __future__ import annotations

from django.db import transaction

from directory.models import ConventionAttendee, ConventionListing
from midsummer.contract import listing_facts
from tenant.models import Tenant

LISTED_FACTS = ("event_name", "start_date", "end_date", "timezone", "city", "venue_name")
POSITION = ("latitude", "longitude")


@transaction.atomic
def listing_refresh(*, tenant: Tenant) -> ConventionListing | None:
    """Make ``tenant``'s directory row show its public facts as the tenant apps give them
    (``listing_facts`` of the app contract), read from the schema the connection serves
    (``tenant``'s), or remove the row when it has no event. Side effect: writes one row in the
    public schema."""
    facts = listing_facts()
    if not facts.get("event_name"):
        ConventionListing.objects.filter(tenant=tenant).delete()
        return None
    listing, _ = ConventionListing.objects.update_or_create(
        tenant=tenant,
        defaults={name: facts.get(name, "") for name in LISTED_FACTS}
        | {name: facts.get(name) for name in POSITION}
        | {"description": str(facts.get("description", ""))[:600], "convention_name": tenant.name},
    )
    return listing


def listing_rename(*, tenant: Tenant) -> None:
    """Keep the convention's name in its listing (what the search looks at) after a rename."""
    ConventionListing.objects.filter(tenant=tenant).exclude(convention_name=tenant.name).update(
        convention_name=tenant.name
    )


def attendee_record(*, user_id: int, tenant: Tenant) -> None:
    """Remember that this account registered at ``tenant`` (idempotent). One ``INSERT … ON
    CONFLICT DO NOTHING``: it runs inside every order's transaction."""
    ConventionAttendee.objects.bulk_create(
        [ConventionAttendee(user_id=user_id, tenant=tenant)], ignore_conflicts=True
    )
