"""The door's side of the app contract (midsummer/contract.py, docs/APPS.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from event.selectors import active_event
from kiosk import demo
from kiosk.selectors import checkins_of_account, door_counts
from kiosk.services import person_erase
from midsummer.contract import AdminTile, DemoConvention, TenantAppContract

if TYPE_CHECKING:
    from django.http import HttpRequest

    from tenant.models import User


class Contract(TenantAppContract):
    # Check-in records name no one themselves (they point at a badge); the desk's notes may.
    scrambled_columns = {"kiosk_doornote": {"text": "'Note ' || id"}}

    urls = "kiosk.urls"
    url_prefix = "kiosk/"
    event_pages = True
    machine_paths = ("api/",)  # the door devices'

    def personal_data(self, *, account: User) -> Any:
        rows = [
            {
                "badge": c.registration.badge_name,
                "kind": c.kind,
                "at": c.scanned_at.isoformat(),
                "undone": c.undone_at is not None,
            }
            for c in checkins_of_account(account_id=account.pk)
        ]
        return rows or None

    def personal_data_erase(self, *, account: User) -> int:
        return person_erase(account_id=account.pk)

    def admin_tiles(self, *, request: HttpRequest) -> list[AdminTile]:
        if not request.user.has_perm("kiosk.operate_desk"):
            return []
        event = active_event()
        if event is None:
            return []
        checked_in, waiting = door_counts(event=event)
        return [
            AdminTile(
                label=_("Checked in"),
                value=str(checked_in),
                url=reverse("kiosk:dashboard"),
                order=50,
            ),
            AdminTile(
                label=_("Badges waiting to be printed"),
                value=str(waiting),
                url=reverse("kiosk:print-queue"),
                order=51,
            ),
        ]

    def seed_demo(self, convention: DemoConvention) -> None:
        demo.seed(convention)
