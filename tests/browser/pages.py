"""Steps the browser journeys share."""

from __future__ import annotations

from tests.factories.tenant import PASSWORD


def log_in(page, base: str, email: str) -> None:
    """Log in on ``base`` (a convention's site) as ``email`` through the log-in page."""
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
