"""The public site's side of the app contract (midsummer/contract.py, docs/APPS.md)."""

from __future__ import annotations

from typing import Any

from front import demo
from front.selectors import logo_bytes, site_branding
from midsummer.contract import DemoConvention, TenantAppContract


class Contract(TenantAppContract):
    urls = "front.urls"
    url_prefix = ""
    # The convention's public contact address, shown in its footer: not a person's data.
    not_personal_columns = frozenset({("front_sitebranding", "contact_email")})

    def listing_facts(self) -> dict[str, Any]:
        return {"description": site_branding().description}

    def seed_demo(self, convention: DemoConvention) -> None:
        demo.seed(convention)

    def badge_logo(self) -> bytes | None:
        return logo_bytes()
