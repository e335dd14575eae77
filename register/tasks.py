from celery import shared_task

from register.services import (
    order_send_confirmation,
    order_send_review_notice,
    orders_release_expired_holds,
    personal_code_send,
    registration_send_confirmation,
    transfer_send_offer,
    waitlist_process,
    waitlist_send_offer,
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


@shared_task(name="register.process_waitlists")
def process_waitlists() -> int:
    """Expire lapsed waiting-list offers and offer free places to the next in line (queued per
    tenant by beat, and after places are freed). Returns offers sent."""
    return waitlist_process()


@shared_task(name="register.send_waitlist_offer")
def send_waitlist_offer(entry_id: int, link: str) -> int:
    """Mail a waiting person their personal offer link. Returns mails sent."""
    return waitlist_send_offer(entry_id=entry_id, link=link)


@shared_task(name="register.send_registration_confirmation")
def send_registration_confirmation(registration_id: int) -> int:
    """Email one transferred or assigned badge to its new holder. Returns mails sent."""
    return registration_send_confirmation(registration_id=registration_id)


@shared_task(name="register.send_personal_code")
def send_personal_code(code_id: int) -> int:
    """Mail a rollover credit or loyalty code to the account it is for. Returns mails sent."""
    return personal_code_send(code_id=code_id)
