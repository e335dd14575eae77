"""The REST API's side of the app contract: served under ``/api/v1/`` on each convention's
hosts (docs/API.md); its demo integration."""

from __future__ import annotations

from midsummer.contract import DemoConvention, PeriodicWork, TenantAppContract

DEMO_SECRET = "midsummer-demo"  # noqa: S105 — the demo's printed credentials, dev mode only


class Contract(TenantAppContract):
    urls = "api.urls"
    url_prefix = "api/v1/"
    # A rehearsal must not call the real integrations, nor replay answers of the original.
    not_copied_to_sandbox = frozenset(
        {"api_webhook", "api_webhookdelivery", "api_webhookattempt", "api_idempotentrequest"}
    )
    periodic = (
        PeriodicWork("api.resend_overdue_webhooks", every=300),
        PeriodicWork("api.forget_old_records", every=3600),
    )

    def seed_demo(self, demo: DemoConvention) -> None:
        """An integration with every API scope (client ``<convention>-api-demo``, secret
        ``midsummer-demo``), enrolled as a door device, for the README's curl example."""
        from django.conf import settings

        from kiosk.models import Device
        from tenant.models import Application

        client_id = f"{demo.key}-api-demo"
        application = Application.objects.filter(client_id=client_id).first()
        if application is None:
            application = Application.objects.create(
                tenant=demo.tenant,
                user=demo.admin,
                name="API demo integration",
                client_id=client_id,
                client_secret=DEMO_SECRET,
                client_type=Application.CLIENT_CONFIDENTIAL,
                authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
                api_scopes=" ".join(settings.API_SCOPES),
            )
        Device.objects.get_or_create(
            application_id=application.pk, defaults={"name": "API demo door"}
        )
