from celery import shared_task

from register.services import orders_release_expired_holds


@shared_task(name="register.release_expired_holds")
def release_expired_holds() -> int:
    """Expire this tenant's pending orders whose hold ran out (queued per tenant by beat)."""
    return orders_release_expired_holds()
