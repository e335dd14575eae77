"""The directory keeps its public summaries in step through the platform's signals
(tenant/signals.py), sent by the tenant apps' services: it knows no tenant app."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from directory.models import ConventionAttendee
from directory.services import attendee_record, listing_follow_tenant, listing_refresh
from tenant.current import current_tenant
from tenant.models import Tenant
from tenant.signals import attendee_joined, listing_changed, person_data_deleted


@receiver(listing_changed, dispatch_uid="directory_listing_changed")
def convention_facts_changed(sender, **kwargs) -> None:
    tenant = current_tenant()
    if tenant is not None:
        listing_refresh(tenant=tenant)


@receiver(post_save, sender=Tenant, dispatch_uid="directory_tenant_saved")
def tenant_saved(sender, instance: Tenant, created: bool, **kwargs) -> None:
    if not created:
        listing_follow_tenant(tenant=instance)


@receiver(attendee_joined, dispatch_uid="directory_attendee_joined")
def attendee_joined_here(sender, account_id: int, **kwargs) -> None:
    tenant = current_tenant()
    if tenant is not None:
        attendee_record(user_id=account_id, tenant=tenant)


@receiver(person_data_deleted, dispatch_uid="directory_person_deleted")
def person_deleted(sender, account_id: int, **kwargs) -> None:
    """After deleting their data here, the convention no longer shows under My conventions."""
    tenant = current_tenant()
    if tenant is not None:
        ConventionAttendee.objects.filter(user_id=account_id, tenant=tenant).delete()
