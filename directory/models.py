"""Public-schema summaries of what happens in the tenant schemas, so that platform pages read
one table instead of visiting every schema."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Func, Q

from tenant.models import Tenant

# A listing's position as PostgreSQL's own point type (x = longitude, y = latitude): the
# expression the position index holds and "near me" asks it about.
LISTING_POSITION = Func(F("longitude"), F("latitude"), function="point")


class ConventionListing(models.Model):
    """A convention's active event as the platform directory shows it. Written by
    ``directory.services.listing_refresh`` whenever the tenant's events change."""

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="listing")
    event_name = models.CharField(max_length=200)
    start_date = models.DateField()
    end_date = models.DateField()
    timezone = models.CharField(max_length=64)
    city = models.CharField(max_length=120, blank=True)
    venue_name = models.CharField(max_length=200, blank=True)
    description = models.CharField(max_length=600, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    # The tenant's name, kept here (``listing_refresh``, and on rename) so that one index
    # covers every word the directory's search looks at.
    convention_name = models.CharField(max_length=200, blank=True)
    # Every word of the event, city and convention name ('simple': no language's stemming —
    # names are names), maintained by PostgreSQL itself.
    search_words = models.GeneratedField(
        expression=SearchVector("event_name", "city", "convention_name", config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # Shown in the directory: the convention is served (not deactivated) and is no rehearsal
    # copy. Kept here (``listing_refresh``, and whenever the tenant is saved) so that the
    # directory's reads never join the tenants.
    listed = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start_date", "event_name"]
        indexes = [
            models.Index(fields=["end_date"], name="directory_listing_end_date"),
            # The directory's order: a page, or the first matches of a month, is read off the
            # index in order instead of sorting every upcoming listing.
            models.Index(
                fields=["start_date", "event_name"],
                name="directory_listing_order",
                condition=Q(listed=True),
            ),
            GinIndex(fields=["search_words"], name="directory_listing_search"),
            # "Near me" reads the listings inside a box around the visitor (``<@``), not all.
            GistIndex(
                LISTING_POSITION, name="directory_listing_position", condition=Q(listed=True)
            ),
        ]

    def __str__(self) -> str:
        return self.event_name


class ConventionAttendee(models.Model):
    """This account has placed a registration order at this convention (recorded when the
    order is placed), so "My conventions" needs no visit to each tenant schema."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attended_conventions"
    )
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="attendees")
    first_seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "tenant"], name="directory_attendee_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.tenant_id}"
