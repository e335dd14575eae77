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
        | {
            "description": str(facts.get("description", ""))[:600],
            "convention_name": tenant.name,
            "listed": listing_shown(tenant),
        },
    )
    return listing


def listing_shown(tenant: Tenant) -> bool:
    """Whether the directory advertises ``tenant``: served (active or archived) and not a
    sandbox — a rehearsal copy is never advertised."""
    return tenant.state != Tenant.State.DEACTIVATED and not tenant.is_sandbox


def listing_follow_tenant(*, tenant: Tenant) -> None:
    """Keep what the listing copies from its tenant — the name (what the search looks at) and
    whether it is shown — in step after the tenant is saved (renamed, deactivated, …)."""
    listed = listing_shown(tenant)
    ConventionListing.objects.filter(tenant=tenant).exclude(
        convention_name=tenant.name, listed=listed
    ).update(convention_name=tenant.name, listed=listed)


def attendee_record(*, user_id: int, tenant: Tenant) -> None:
    """Remember that this account registered at ``tenant`` (idempotent). One ``INSERT … ON
    CONFLICT DO NOTHING``: it runs inside every order's transaction."""
    ConventionAttendee.objects.bulk_create(
        [ConventionAttendee(user_id=user_id, tenant=tenant)], ignore_conflicts=True
    )
