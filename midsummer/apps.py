from django.apps import AppConfig
from django.core.signals import got_request_exception, request_finished


class MidsummerConfig(AppConfig):
    """The platform core as an app: its templates, static files and the commands that reach
    every tenant app through the app contract (seed_demo, anonymize_after_event)."""

    name = "midsummer"
    verbose_name = "Midsummer"

    def ready(self) -> None:
        from midsummer.outage import note_unavailable
        from tenant import current

        # A request whose middleware failed because the database or Redis is gone is answered
        # 503 instead of 500 (midsummer/outage.py).
        got_request_exception.connect(note_unavailable, dispatch_uid="midsummer-outage")
        # Log lines after a request name no host (tenant.current.log_context).
        request_finished.connect(current.request_finished, dispatch_uid="midsummer-request-host")
