from celery import shared_task

from register.services import order_send_confirmation, orders_release_expired_holds


@shared_task(name="register.release_expired_holds")
def release_expired_holds() -> int:
    """Expire this tenant's pending orders whose hold ran out (queued per tenant by beat)."""
    return orders_release_expired_holds()


@shared_task(name="register.send_order_confirmation")
def send_order_confirmation(order_id: int) -> int:
    """Email each attendee of a paid order their badge and QR code. Returns mails sent."""
    return order_send_confirmation(order_id=order_id)
