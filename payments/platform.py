"""Payments' side of the app contract: its pages (the simulated card, Stripe's webhook)."""

from midsummer.contract import TenantAppContract


class Contract(TenantAppContract):
    urls = "payments.urls"
    url_prefix = "payments/"
