"""The one place every mail passes: a backend that keeps sandbox conventions' mail away from
real people, then hands the rest to the configured backend (``MIDSUMMER_EMAIL_BACKEND``).

Mail sent while a sandbox tenant is the connection's tenant (a request on its host, or a Celery
task queued there) goes to ``SANDBOX_EMAIL_SINK`` instead, its subject marked and the original
recipients in a header; without a sink it is dropped. Checking here, rather than where mail is
queued, covers every sender: invitations, password resets, order confirmations, and any later one.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend

from tenant.current import current_schema, current_tenant_is_sandbox

logger = logging.getLogger(__name__)


def current_sandbox() -> str | None:
    """The schema of the sandbox tenant being served, or None."""
    return current_schema() if current_tenant_is_sandbox() else None


class SandboxGuardEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs) -> None:
        super().__init__(fail_silently=fail_silently)
        self.inner = get_connection(
            settings.MIDSUMMER_EMAIL_BACKEND, fail_silently=fail_silently, **kwargs
        )

    def open(self):
        return self.inner.open()

    def close(self) -> None:
        self.inner.close()

    def send_messages(self, email_messages) -> int:
        sandbox = current_sandbox()
        if sandbox is not None:
            email_messages = [m for m in email_messages if self._divert(m, sandbox)]
        if not email_messages:
            return 0
        return self.inner.send_messages(email_messages)

    @staticmethod
    def _divert(message, sandbox: str) -> bool:
        original = [*message.to, *message.cc, *message.bcc]
        sink = settings.SANDBOX_EMAIL_SINK
        if not sink:
            logger.info("sandbox %s: mail to %d recipient(s) dropped", sandbox, len(original))
            return False
        message.extra_headers["X-Midsummer-Sandbox"] = sandbox
        message.extra_headers["X-Midsummer-Original-To"] = ", ".join(original)
        message.subject = f"[sandbox {sandbox}] {message.subject}"
        message.to, message.cc, message.bcc = [sink], [], []
        message.reply_to = []
        return True
