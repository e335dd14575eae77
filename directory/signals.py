"""Extension points: the event and register apps' writes update the public summaries."""

from __future__ import annotations

from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_tenants.utils import get_public_schema_name

from directory.models import ConventionAttendee
from directory.services import attendee_record, listing_refresh
from event.models import Event
from register.models import Order, Registration
from register.signals import person_data_deleted
from tenant.models import Tenant


def _serving_tenant() -> Tenant | None:
    """The tenant whose schema the connection is in (None in public). ``schema_context`` sets
    a stand-in without a primary key; the real row is looked up then."""
    tenant = getattr(connection, "tenant", None)
    if tenant is None or tenant.schema_name == get_public_schema_name():
        return None
    if isinstance(tenant, Tenant) and tenant.pk is not None:
        return tenant
    return Tenant.objects.filter(schema_name=tenant.schema_name).first()


@receiver(post_save, sender=Event, dispatch_uid="directory_event_saved")
@receiver(post_delete, sender=Event, dispatch_uid="directory_event_deleted")
def event_changed(sender, **kwargs) -> None:
    tenant = _serving_tenant()
    if tenant is not None:
        listing_refresh_for_current_schema(tenant=tenant)


@receiver(post_save, sender=Order, dispatch_uid="directory_order_placed")
def order_placed(sender, instance: Order, created: bool, **kwargs) -> None:
    tenant = _serving_tenant()
    if created and tenant is not None and instance.account_id:
        attendee_record(user_id=instance.account_id, tenant=tenant)


@receiver(post_save, sender=Registration, dispatch_uid="directory_badge_held")
def badge_held(sender, instance: Registration, update_fields=None, **kwargs) -> None:
    """A badge handed over (transfer, group assignment) makes its holder an attendee too."""
    if not instance.holder_id or (update_fields is not None and "holder" not in update_fields):
        return  # the holder did not change: no query on ordinary saves (badge renames, numbers)
    tenant = _serving_tenant()
    if tenant is not None:
        attendee_record(user_id=instance.holder_id, tenant=tenant)


@receiver(person_data_deleted, dispatch_uid="directory_person_deleted")
def person_deleted(sender, account_id: int, **kwargs) -> None:
    """After deleting their data here, the convention no longer shows under My conventions."""
    tenant = _serving_tenant()
    if tenant is not None:
        ConventionAttendee.objects.filter(user_id=account_id, tenant=tenant).delete()


def listing_refresh_for_current_schema(*, tenant) -> None:
    """Refresh ``tenant``'s listing from the schema the connection is in (that tenant's)."""
    from event.selectors import active_event
    from front.selectors import site_branding

    listing_refresh(tenant=tenant, event=active_event(), description=site_branding().description)


@receiver(post_save, sender="front.SiteBranding", dispatch_uid="directory_branding_saved")
def branding_changed(sender, **kwargs) -> None:
    tenant = _serving_tenant()
    if tenant is not None:
        listing_refresh_for_current_schema(tenant=tenant)
