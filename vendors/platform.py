"""The dealers' den's side of the app contract (midsummer/contract.py, docs/APPS.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from event.selectors import active_event
from midsummer.contract import (
    AdminTile,
    DemoConvention,
    HomeCard,
    NavLink,
    PeriodicWork,
    TenantAppContract,
)
from vendors import demo
from vendors.invoices import VendorInvoices
from vendors.models import Application
from vendors.services import applications_erase

if TYPE_CHECKING:
    from django.http import HttpRequest

    from tenant.models import User


class Contract(TenantAppContract):
    scrambled_columns = {
        "vendors_application": {
            "contact_name": "{first} || ' ' || {last}",
            "tax_id": "CASE WHEN tax_id = '' THEN '' ELSE 'TAX-' || id END",
            "seating": "CASE WHEN seating = '' THEN '' ELSE 'Seating ' || id END",
            "seat_near": "''",
            "seat_far": "''",
        },
    }
    urls = "vendors.urls"
    url_prefix = "dealers/"
    event_pages = True
    nav_links = (NavLink("vendors:den", _("Dealers"), order=70),)
    home_cards = (HomeCard("vendors:den", _("Dealers' den"), order=70),)
    periodic = (
        PeriodicWork("vendors.release_overdue", every=15 * 60),
        PeriodicWork("vendors.remind_unpaid", every=60 * 60),
    )

    def copy_event(self, *, source: Any, target: Any, shift: Any, copied: Any) -> None:
        """Its settings (the window moved by a year), table types and extras; not the hall's
        layout of dealers."""
        from event.copying import copy_rows
        from vendors.models import Extra, TableType, VendorSettings

        for model in (VendorSettings, TableType, Extra):
            rows = model.objects.filter(event=source).order_by("pk")
            copy_rows(rows, shift=shift, copied=copied, set_fields={"event": target})

    def payable_kinds(self) -> list[VendorInvoices]:
        return [VendorInvoices()]

    def personal_data(self, *, account: User) -> Any:
        rows = (
            Application.objects.filter(account_id=account.pk)
            .select_related("event")
            .prefetch_related("photos")
        )
        data = [
            {
                "event": a.event.name,
                "business_name": a.business_name,
                "contact_name": a.contact_name,
                "website": a.website,
                "tax_id": a.tax_id,
                "partners": a.partners,
                "seat_near": a.seat_near,
                "seat_far": a.seat_far,
                "photos": [photo.image.name for photo in a.photos.all()],
                "status": a.status,
                "total": str(a.total),
            }
            for a in rows
        ]
        return data or None

    def personal_data_erase(self, *, account: User) -> int:
        return applications_erase(account_id=account.pk)

    def admin_tiles(self, *, request: HttpRequest) -> list[AdminTile]:
        if not request.user.has_perm("vendors.review_application"):
            return []
        event = active_event()
        if event is None:
            return []
        pending = Application.objects.filter(event=event, status=Application.Status.PENDING).count()
        return [
            AdminTile(
                label=gettext("Dealer applications to decide"),
                value=str(pending),
                url=reverse("vendors:review-list"),
                order=70,
            )
        ]

    def seed_demo(self, convention: DemoConvention) -> None:
        demo.seed(convention)
