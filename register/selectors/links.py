"""Personal links (transfers, waiting-list offers): a random secret in the link, only its
SHA-256 stored, compared in constant time."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.db.models import QuerySet

from register.models import Order, Transfer, WaitlistEntry


def secret_hash(secret: str) -> str:
    """What is stored for a link's secret: its SHA-256 (the secret itself never is)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def transfer_by_token(*, token: str, now: dt.datetime) -> Transfer | None:
    """The open, unexpired transfer this link's secret belongs to, else None."""
    digest = secret_hash(token)
    found = (
        Transfer.objects.filter(
            token_hash=digest,
            accepted_at__isnull=True,
            withdrawn_at__isnull=True,
            expires_at__gt=now,
            registration__order__status=Order.Status.PAID,
        )
        .select_related("registration__level", "registration__event")
        .first()
    )
    if found is None or not hmac.compare_digest(found.token_hash, digest):
        return None
    return found


def waitlist_offer_by_token(*, token: str, now: dt.datetime) -> WaitlistEntry | None:
    """The open, unexpired waiting-list offer this link's secret belongs to, else None."""
    digest = secret_hash(token)
    found = (
        WaitlistEntry.objects.filter(
            offer_token_hash=digest, status=WaitlistEntry.Status.OFFERED, offer_expires_at__gt=now
        )
        .select_related("level__event")
        .first()
    )
    if found is None or not hmac.compare_digest(found.offer_token_hash, digest):
        return None
    return found


def waitlist_of_account(*, account_id: int) -> QuerySet[WaitlistEntry]:
    """The account's places on waiting lists, newest first, with their level and its event
    (whose time zone the offer's deadline is shown in)."""
    return (
        WaitlistEntry.objects.filter(account_id=account_id)
        .select_related("level__event")
        .order_by("-created_at")
    )
