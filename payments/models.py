"""What money needs to remember in the convention's schema: which way a buyer pays, and the
provider events already handled. Each selling app keeps its own orders and their state."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Provider(models.TextChoices):
    """How an order is paid; every selling app stores one of these on its orders."""

    FREE = "free", "Free"
    DOOR = "door", "Pay at the door"
    SIMULATED = "simulated", "Simulated card"
    STRIPE = "stripe", "Card (Stripe)"


class StripeEvent(models.Model):
    """A Stripe webhook event already handled here: the same event twice changes nothing."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    outcome = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Stripe event")

    def __str__(self) -> str:
        return f"{self.event_id} ({self.type}): {self.outcome}"
