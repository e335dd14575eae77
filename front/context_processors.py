"""The convention's branding and navigation on every page of its hosts."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject
from django_tenants.utils import get_public_schema_name

from tenant.current import current_site_url


def branding(request) -> dict:
    """Lazy: pages that never show them (the admin, JSON) cost no query. ``site_url`` is the
    canonical address of the convention's site (its primary host, never the request's), for
    the links of social previews and ``rel=canonical``."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == get_public_schema_name():
        return {}
    from front.selectors import nav_pages, site_branding

    return {
        "on_tenant_host": True,
        "branding": SimpleLazyObject(site_branding),
        "nav_pages": SimpleLazyObject(lambda: list(nav_pages())),
        "site_url": SimpleLazyObject(current_site_url),
    }
