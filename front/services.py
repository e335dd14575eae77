"""Writes of the convention's public site."""

from __future__ import annotations

from django.db import transaction

from front.models import SiteBranding
from tenant.signals import listing_changed


@transaction.atomic
def branding_save(*, branding: SiteBranding) -> SiteBranding:
    """Validate and save the convention's branding. Side effect: listings built from its
    description (the platform directory) are refreshed in this transaction."""
    branding.full_clean()
    branding.save()
    listing_changed.send(sender=SiteBranding)
    return branding
