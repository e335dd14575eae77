"""What the API keeps of its own, in each convention's schema: the answers to writes sent with
an ``Idempotency-Key`` (for a day), and the convention's outgoing webhooks with a log of every
delivery and attempt."""

from __future__ import annotations

import secrets
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotentRequest(models.Model):
    """A write sent with an ``Idempotency-Key``: the same key from the same application again
    gets this answer back instead of running the write twice (api/idempotency.py)."""

    application_id = models.BigIntegerField()  # public.oauth2_provider_application
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # sha256 of method, path and body
    status_code = models.PositiveSmallIntegerField(null=True)
    body = models.BinaryField(default=b"")
    content_type = models.CharField(max_length=100, default="application/json")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application_id", "key"], name="api_idempotency_key_once_per_client"
            )
        ]

    def __str__(self) -> str:
        return self.key


def _webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class Webhook(models.Model):
    """An address of the convention's own integration, told about the events it subscribed to
    with a JSON POST signed with its secret (docs/API.md, "Webhooks")."""

    url = models.URLField(
        _("URL"), max_length=500, help_text=_("https:// address that receives the POSTs.")
    )
    events = models.JSONField(
        _("events"),
        default=list,
        help_text=_("The kinds of event this address is told about."),
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=_webhook_secret,
        help_text=_("Receivers check the Midsummer-Signature header with it."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description or self.url


class WebhookDelivery(models.Model):
    """One event for one webhook: sent until the receiver answers 2xx, retried with backoff,
    given up after ``WEBHOOK_MAX_ATTEMPTS``."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Given up")

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("event"), max_length=50)
    payload = models.JSONField()
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When the next attempt may start; an attempt under way pushes it ahead (its lease).
    next_attempt_at = models.DateTimeField(null=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.kind} → {self.webhook}"


class WebhookAttempt(models.Model):
    """What the receiver answered to one POST (or why it could not be sent)."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveSmallIntegerField(null=True)
    response = models.TextField(blank=True)  # the first 2,000 characters
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.status_code or self.error}"
