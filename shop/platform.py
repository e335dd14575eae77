"""The shop's side of the app contract (midsummer/contract.py, docs/APPS.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from midsummer.contract import DemoConvention, HomeCard, NavLink, PeriodicWork, TenantAppContract
from shop import demo
from shop.invoices import ShopOrders
from shop.models import ShopOrder
from shop.selectors import next_hold_expiry

if TYPE_CHECKING:
    from tenant.models import User


class Contract(TenantAppContract):
    urls = "shop.urls"
    url_prefix = "shop/"
    event_pages = True
    nav_links = (NavLink("shop:catalogue", _("Shop"), order=75),)
    home_cards = (HomeCard("shop:catalogue", _("Merch shop"), order=75),)
    periodic = (PeriodicWork("shop.release_expired_holds", every=60, next_due=next_hold_expiry),)

    def payable_kinds(self) -> list[ShopOrders]:
        return [ShopOrders()]

    def personal_data(self, *, account: User) -> Any:
        orders = ShopOrder.objects.filter(account_id=account.pk).prefetch_related(
            "lines__variant__product"
        )
        data = [
            {
                "reference": o.reference,
                "status": o.status,
                "total": str(o.total),
                "lines": [f"{line.quantity} × {line.variant}" for line in o.lines.all()],
            }
            for o in orders
        ]
        return data or None

    def seed_demo(self, convention: DemoConvention) -> None:
        demo.seed(convention)
