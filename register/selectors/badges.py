"""What a badge shows its viewer: its check-in code, or why there is none. One function decides
it for the order page and *My registrations*; templates compare against ``BadgeState``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models

from register.models import Order, Registration


class BadgeState(models.TextChoices):
    """A badge as its viewer sees it (a Django choices enum, so templates can name members)."""

    PENDING = "pending"  # the order is not paid yet
    HELD = "held"  # paid, held for the team's review
    VOID = "void"  # the order expired, was cancelled or refunded
    UNASSIGNED = "unassigned"  # paid, a group badge without its holder yet
    TRANSFERRED = "transferred"  # paid, handed to someone else, whose code it now is
    READY = "ready"  # paid and theirs: the check-in code is shown


def badge_state(registration: Registration, *, account_id: int) -> BadgeState:
    """How ``registration`` (with its order) looks to the account ``account_id``: first what
    its order allows (unpaid, under review, no longer valid), then, for a paid order, whose
    badge it is."""
    status = registration.order.status
    if status == Order.Status.PENDING:
        return BadgeState.PENDING
    if status == Order.Status.HELD:
        return BadgeState.HELD
    if status != Order.Status.PAID:
        return BadgeState.VOID
    if registration.needs_holder:
        return BadgeState.UNASSIGNED
    if registration.holder_id not in (None, account_id):
        return BadgeState.TRANSFERRED
    return BadgeState.READY


@dataclass(frozen=True)
class Badge:
    registration: Registration
    state: BadgeState

    @property
    def shows_code(self) -> bool:
        return self.state == BadgeState.READY


def badges_seen_by(registrations: Iterable[Registration], *, account_id: int) -> list[Badge]:
    """Each registration with the state it shows ``account_id``."""
    return [Badge(r, badge_state(r, account_id=account_id)) for r in registrations]
