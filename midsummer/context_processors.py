"""What every page of a convention's site shows from the tenant apps: their navigation links
(declared in each app's contract)."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject
from django_tenants.utils import get_public_schema_name

from midsummer.contract import nav_links


def navigation(request) -> dict:
    """Lazy: pages that never show the navigation (the admin, JSON) resolve no URLs."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == get_public_schema_name():
        return {}
    return {"app_nav": SimpleLazyObject(lambda: nav_links(request=request))}
