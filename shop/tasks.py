from celery import shared_task

from shop.mail import order_send_confirmation
from shop.services import orders_release_expired_holds


@shared_task(name="shop.send_confirmation")
def send_confirmation(order_id: int) -> int:
    """Mail the buyer their paid order with its pickup code. Returns mails sent."""
    return order_send_confirmation(order_id=order_id)


@shared_task(name="shop.release_expired_holds")
def release_expired_holds() -> int:
    """Unpaid card orders past their hold free their stock."""
    return orders_release_expired_holds()
