from celery import shared_task

from register.services import (
    order_send_confirmation,
    order_send_review_notice,
    orders_release_expired_holds,
    transfer_send_offer,
)


@shared_task(name="register.release_expired_holds")
def release_expired_holds() -> int:
    """Expire this tenant's pending orders whose hold ran out (queued per tenant by beat)."""
    return orders_release_expired_holds()


@shared_task(name="register.send_order_confirmation")
def send_order_confirmation(order_id: int) -> int:
    """Email each attendee of a paid order their badge and QR code. Returns mails sent."""
    return order_send_confirmation(order_id=order_id)


@shared_task(name="register.send_review_notice")
def send_review_notice(order_id: int) -> int:
    """Tell the buyer their paid order is held for review. Returns mails sent."""
    return order_send_review_notice(order_id=order_id)


@shared_task(name="register.send_transfer_offer")
def send_transfer_offer(transfer_id: int, link: str) -> int:
    """Mail the recipient of a badge transfer their personal link. Returns mails sent."""
    return transfer_send_offer(transfer_id=transfer_id, link=link)
