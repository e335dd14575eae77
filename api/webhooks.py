"""Outgoing webhooks: when something an integration subscribed to happens (tenant/signals.py's
``integration_event``), a delivery is recorded in the writer's transaction and POSTed after
commit by a Celery task, signed with the webhook's secret, retried with backoff until the
receiver answers 2xx, every attempt logged with the receiver's answer.

Deliveries are made in the convention's own schema from its own rows, so a webhook only ever
hears of its own convention. Addresses that resolve to a private network are refused (no
requests into our own infrastructure) unless ``WEBHOOK_ALLOW_PRIVATE_NETWORK`` (dev, tests)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import Webhook, WebhookAttempt, WebhookDelivery
from tenant.current import current_schema
from tenant.signals import INTEGRATION_EVENTS
from tenant.tasks import queue_after_commit

SIGNATURE_HEADER = "Midsummer-Signature"
PING = "ping"
_RESPONSE_KEPT = 2000


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """``t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">``: receivers recompute it with the
    secret and refuse old timestamps (a replayed delivery)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def webhook_events_clean(events: Any) -> list[str]:
    if not isinstance(events, list) or not events:
        raise ValidationError(_("Choose at least one event."))
    unknown = [e for e in events if e not in INTEGRATION_EVENTS]
    if unknown:
        raise ValidationError(_("Unknown events: %(events)s.") % {"events": ", ".join(unknown)})
    return sorted(set(events))


def webhook_url_clean(url: str) -> str:
    if urlsplit(url).scheme != "https" and not settings.WEBHOOK_ALLOW_PRIVATE_NETWORK:
        raise ValidationError(_("A webhook's address must start with https://."))
    return url


def _envelope(delivery: WebhookDelivery, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(delivery.uuid),
        "type": delivery.kind,
        "created": timezone.now().isoformat(),
        "convention": current_schema(),
        "data": data,
    }


def webhook_deliveries_create(*, kind: str, data: dict[str, Any], **_signal: Any) -> list[int]:
    """Record one delivery of ``kind`` for each active webhook subscribed to it, each sent
    after commit (through the outbox). Receives ``integration_event``."""
    created = []
    for webhook in Webhook.objects.filter(is_active=True, events__contains=[kind]):
        created.append(_delivery_queue(webhook=webhook, kind=kind, data=data).pk)
    return created


def webhook_ping(*, webhook: Webhook) -> WebhookDelivery:
    """A test delivery (``ping``), whatever the webhook subscribed to."""
    return _delivery_queue(webhook=webhook, kind=PING, data={"webhook": {"id": webhook.pk}})


def _delivery_queue(*, webhook: Webhook, kind: str, data: dict[str, Any]) -> WebhookDelivery:
    delivery = WebhookDelivery(webhook=webhook, kind=kind, next_attempt_at=timezone.now())
    delivery.payload = _envelope(delivery, data)
    delivery.save()
    queue_after_commit("api.deliver_webhook", delivery.pk)
    return delivery


def webhook_delivery_retry(*, delivery_id: int) -> None:
    """Send a delivery again now, even one that was given up (the admin's "Retry now")."""
    WebhookDelivery.objects.filter(pk=delivery_id).exclude(
        status=WebhookDelivery.Status.DELIVERED
    ).update(status=WebhookDelivery.Status.PENDING, next_attempt_at=timezone.now())
    queue_after_commit("api.deliver_webhook", delivery_id)


@dataclass(frozen=True)
class AttemptResult:
    sent: bool  # an attempt was made (the delivery was due and not being sent elsewhere)
    status: str = ""  # the delivery's status after it
    retry_in: int | None = None  # seconds until the next attempt, when there is one


def _private_address(host: str, port: int) -> str:
    """Why ``host`` must not be called (it resolves into a private network), or ''."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except OSError:
        return _("%(host)s does not resolve.") % {"host": host}
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return _("%(host)s is a private address (%(address)s).") % {
                "host": host,
                "address": address,
            }
    return ""


def _refusal(url: str) -> str:
    parts = urlsplit(url)
    if settings.WEBHOOK_ALLOW_PRIVATE_NETWORK:
        return ""
    if parts.scheme != "https":
        return _("Only https:// addresses are called.")
    return _private_address(parts.hostname or "", parts.port or 443)


def webhook_attempt(*, delivery_id: int, now: dt.datetime | None = None) -> AttemptResult:
    """POST a due delivery once and log the answer. A delivery is claimed by pushing its next
    attempt ahead (a lease), so two workers never send it at once and a worker that dies
    mid-attempt leaves it to be picked up again once the lease runs out."""
    now = now or timezone.now()
    lease = dt.timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS * 3)
    claimed = WebhookDelivery.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        pk=delivery_id,
        status=WebhookDelivery.Status.PENDING,
    ).update(next_attempt_at=now + lease, attempts=F("attempts") + 1)
    if not claimed:
        return AttemptResult(sent=False)
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    webhook = delivery.webhook
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    attempt = WebhookAttempt(delivery=delivery)
    started = time.monotonic()
    if not webhook.is_active:
        attempt.error = _("The webhook is switched off.")
    elif refusal := _refusal(webhook.url):
        attempt.error = refusal
    else:
        try:
            answer = requests.post(
                webhook.url,
                data=body,
                headers={
                    "Content-Type": "application/json",
                    "User-Agent": "Midsummer-Webhooks/1",
                    "Midsummer-Event": delivery.kind,
                    "Midsummer-Delivery": str(delivery.uuid),
                    SIGNATURE_HEADER: signature(
                        secret=webhook.secret, timestamp=int(now.timestamp()), body=body
                    ),
                },
                timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
                allow_redirects=False,
            )
            attempt.status_code = answer.status_code
            attempt.response = answer.text[:_RESPONSE_KEPT]
        except requests.RequestException as error:
            attempt.error = f"{type(error).__name__}: {error}"[:300]
    attempt.duration_ms = int((time.monotonic() - started) * 1000)
    attempt.save()
    return _after_attempt(delivery, attempt, now=now)


def _after_attempt(
    delivery: WebhookDelivery, attempt: WebhookAttempt, *, now: dt.datetime
) -> AttemptResult:
    delays = settings.WEBHOOK_RETRY_SECONDS
    if attempt.status_code is not None and 200 <= attempt.status_code < 300:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        retry_in = None
    elif delivery.attempts > len(delays):
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.next_attempt_at = None
        retry_in = None
    else:
        retry_in = delays[delivery.attempts - 1]
        delivery.next_attempt_at = now + dt.timedelta(seconds=retry_in)
    delivery.save(update_fields=["status", "delivered_at", "next_attempt_at"])
    return AttemptResult(sent=True, status=delivery.status, retry_in=retry_in)


def webhook_deliveries_overdue(*, now: dt.datetime | None = None, limit: int = 200) -> list[int]:
    """Pending deliveries whose attempt is over a minute late: their retry was lost (the broker
    was down when it was scheduled, a worker died). The periodic sweep sends them again."""
    late = (now or timezone.now()) - dt.timedelta(minutes=1)
    return list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=late
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def api_records_forget(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Drop idempotency answers older than ``IDEMPOTENCY_KEEP_HOURS`` and the delivery log
    older than ``WEBHOOK_LOG_DAYS``. Returns how many of each."""
    from api.models import IdempotentRequest

    now = now or timezone.now()
    keys, _kinds = IdempotentRequest.objects.filter(
        created_at__lt=now - dt.timedelta(hours=settings.IDEMPOTENCY_KEEP_HOURS)
    ).delete()
    _total, deleted = (
        WebhookDelivery.objects.filter(
            created_at__lt=now - dt.timedelta(days=settings.WEBHOOK_LOG_DAYS)
        )
        .exclude(status=WebhookDelivery.Status.PENDING)
        .delete()
    )
    return keys, deleted.get(WebhookDelivery._meta.label, 0)
