"""Money that comes back in from providers (webhooks) and goes back out (refunds)."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from payments.kinds import PaymentConflictError, payable_kind
from payments.models import Provider, StripeEvent
from tenant.current import current_schema

logger = logging.getLogger(__name__)


def provider_refund(
    *, provider: str, provider_reference: str, amount: Decimal, idempotency_key: str
) -> None:
    """Give ``amount`` back through the provider that took it. Card payments go back through
    Stripe (raises if Stripe refuses, so the caller's transaction changes nothing); money taken
    at a desk or by the simulated card has nothing to call: the caller's record is the refund."""
    if provider != Provider.STRIPE:
        return
    from payments.providers import stripe_client

    stripe_client().v1.refunds.create(
        params={"payment_intent": provider_reference, "amount": int(amount * 100)},
        options={"idempotency_key": idempotency_key},
    )


@transaction.atomic
def stripe_event_handle(*, event_id: str, event_type: str, data: dict) -> str:
    """Apply one verified Stripe webhook event, once. Returns what happened.

    A completed Checkout pays what it was opened for (the session's ``kind`` and reference). A
    payment for something that expired or was cancelled is refunded through Stripe and the
    selling app is told — never dropped. If the refund call fails, the whole event is rolled
    back so Stripe delivers it again.
    """
    from payments.providers import stripe_client

    marker, created = StripeEvent.objects.get_or_create(
        event_id=event_id, defaults={"type": event_type, "outcome": "received"}
    )
    if not created:
        return "duplicate"
    outcome = "ignored"
    metadata = data.get("metadata") or {}
    is_paid_checkout = (
        event_type == "checkout.session.completed" and data.get("payment_status") == "paid"
    )
    if is_paid_checkout and metadata.get("schema") == current_schema():
        # Sessions opened before other apps sold anything carry no kind: they are registration's.
        kind = payable_kind(metadata.get("kind") or "register")
        reference = str(data.get("client_reference_id") or "")
        payable = kind.find(reference, account_id=None) if kind else None
        amount = Decimal(data.get("amount_total") or 0) / 100
        if kind is None or payable is None:
            outcome = "unknown order"
        else:
            try:
                kind.mark_paid(reference, amount=amount, by=None, note=f"stripe {data.get('id')}")
                kind.set_provider_reference(reference, data["payment_intent"])
                outcome = "paid"
            except PaymentConflictError:
                stripe_client().v1.refunds.create(
                    params={"payment_intent": data["payment_intent"]},
                    options={"idempotency_key": f"late-{event_id}"},
                )
                kind.payment_flagged(reference, note=f"late Stripe payment {amount} refunded")
                outcome = "late payment refunded"
            except ValidationError:
                note = f"Stripe paid {amount}, expected {payable.total}: check"
                kind.payment_flagged(reference, note=note)
                outcome = "flagged: amount mismatch"
    marker.outcome = outcome
    marker.save(update_fields=["outcome"])
    return outcome
