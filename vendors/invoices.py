"""The dealers' invoices as ``payments`` sees them (payments/kinds.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from vendors.models import Application
from vendors.services import invoice_pay, invoice_payable

if TYPE_CHECKING:
    from payments.kinds import Payable
    from tenant.models import User


class VendorInvoices:
    kind = "vendors"

    def _application(self, reference: str, account_id: int | None = None) -> Application | None:
        found = Application.objects.select_related("event").filter(reference=reference)
        if account_id is not None:
            found = found.filter(account_id=account_id)
        return found.first()

    def find(self, reference: str, *, account_id: int | None) -> Payable | None:
        application = self._application(reference, account_id)
        return invoice_payable(application) if application else None

    def mark_paid(self, reference: str, *, amount: Decimal, by: User | None, note: str) -> None:
        invoice_pay(reference=reference, amount=amount, note=note)

    def set_provider_reference(self, reference: str, provider_reference: str) -> None:
        Application.objects.filter(reference=reference).update(
            provider_reference=provider_reference
        )

    def payment_flagged(self, reference: str, *, note: str) -> None:
        application = self._application(reference)
        if application is not None:  # on its audit trail, for the vendor lead
            application._change_reason = note  # type: ignore[attr-defined]
            application.save(update_fields=["provider_reference"])
