"""The door's side of the app contract (midsummer/contract.py, docs/APPS.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kiosk.selectors import checkins_of_account
from midsummer.contract import TenantAppContract

if TYPE_CHECKING:
    from tenant.models import User


class Contract(TenantAppContract):
    # Check-in records name no one themselves (they point at a badge); the desk's notes may.
    scrambled_columns = {"kiosk_doornote": {"text": "'Note ' || id"}}

    urls = "kiosk.urls"
    url_prefix = "kiosk/"

    def personal_data(self, *, account: User) -> Any:
        rows = [
            {"badge": c.registration.badge_name, "kind": c.kind, "at": c.scanned_at.isoformat()}
            for c in checkins_of_account(account_id=account.pk)
        ]
        return rows or None
