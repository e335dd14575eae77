from celery import shared_task

from api.webhooks import api_records_forget, webhook_attempt, webhook_deliveries_overdue


@shared_task(name="api.deliver_webhook")
def deliver_webhook(delivery_id: int) -> str:
    """POST one webhook delivery; when it failed, schedule the next attempt (backoff).
    Returns the delivery's status ('' when it was not due: sent or being sent elsewhere)."""
    result = webhook_attempt(delivery_id=delivery_id)
    if result.retry_in is not None:
        # In the schema being served (tenant-aware Celery); a retry lost with the broker is
        # picked up by resend_overdue_webhooks.
        deliver_webhook.apply_async((delivery_id,), countdown=result.retry_in)
    return result.status


@shared_task(name="api.resend_overdue_webhooks")
def resend_overdue_webhooks() -> int:
    """Send again the deliveries whose retry was lost (beat, every 5 minutes). Returns how many."""
    overdue = webhook_deliveries_overdue()
    for delivery_id in overdue:
        deliver_webhook.apply_async((delivery_id,))
    return len(overdue)


@shared_task(name="api.forget_old_records")
def forget_old_records() -> tuple[int, int]:
    """Drop old idempotency answers and webhook logs (beat, hourly)."""
    return api_records_forget()
