"""What a selling app tells ``payments`` about the things it sells.

Each app (registration's orders, the vendors' invoices, the shop's orders) keeps its own order
model and rules; it hands ``payments`` a :class:`PayableKind` through its contract
(``payable_kinds``), and the providers, the card page and the webhooks work on :class:`Payable`
values only. So there is one place for how money comes in, and no app imports another's orders.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from midsummer import contract

if TYPE_CHECKING:
    from tenant.models import User


class PaymentConflictError(Exception):
    """A payment arrived for something that can no longer be paid (expired or cancelled)."""


@dataclass(frozen=True)
class Payable:
    """What a provider needs to take one payment."""

    kind: str  # the selling app's key, e.g. "register"
    reference: str  # unique within the kind in this schema
    total: Decimal
    currency: str
    description: str  # shown on the card provider's page
    return_url: str  # site path of the app's page for it; buyers land there after paying
    awaiting_payment: bool
    #: A line for the card page, e.g. until when the places are held (already translated).
    hold_note: str = ""
    #: Where to start again when it can no longer be paid.
    start_again_url: str = ""


class PayableKind(Protocol):
    @property
    def kind(self) -> str: ...

    def find(self, reference: str, *, account_id: int | None) -> Payable | None:
        """The payable, if it exists; with ``account_id`` only if it is that person's."""
        ...

    def mark_paid(self, reference: str, *, amount: Decimal, by: User | None, note: str) -> None:
        """Record full payment (atomic, row-locked; paying twice changes nothing). Raises
        PaymentConflictError when it can no longer be paid and ValidationError when ``amount``
        is not the total."""
        ...

    def set_provider_reference(self, reference: str, provider_reference: str) -> None: ...

    def payment_flagged(self, reference: str, *, note: str) -> None:
        """Note on the payable's history what went wrong with a payment for it (a late
        payment refunded, an amount that does not match) for the organizers to see."""
        ...


def payable_kinds() -> dict[str, PayableKind]:
    kinds: Sequence[PayableKind] = [
        kind for app in contract.contracts() for kind in app.payable_kinds()
    ]
    return {kind.kind: kind for kind in kinds}


def payable_kind(kind: str) -> PayableKind | None:
    return payable_kinds().get(kind)
