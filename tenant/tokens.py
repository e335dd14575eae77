"""Secrets in mailed links, each valid only on the hosts of the site that issued it.

A link mailed through one convention's host (or the platform's) carries a token bound to that
site's schema: the same token is refused on every other convention's hosts, so a convention that
controls its own domain can never collect a token that works elsewhere (security review, #4).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing

from tenant.current import current_schema


class SiteBoundPasswordResetTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token (single use: it changes with the password and the last log-in),
    with the issuing site's schema in what is hashed."""

    key_salt = "midsummer.tenant.tokens.SiteBoundPasswordResetTokenGenerator"

    def _make_hash_value(self, user, timestamp: int) -> str:
        return f"{current_schema()}:{super()._make_hash_value(user, timestamp)}"


password_reset_token = SiteBoundPasswordResetTokenGenerator()


def site_bound_dumps(payload: dict[str, Any], *, purpose: str) -> str:
    """A signed, timestamped token for ``payload``, valid only on this site's hosts."""
    return signing.dumps(payload, salt=f"midsummer:{purpose}:{current_schema()}", compress=True)


def site_bound_loads(token: str, *, purpose: str, max_age_seconds: int) -> dict[str, Any] | None:
    """The payload of a token made by ``site_bound_dumps`` here, or None (forged, expired, or
    made on another site)."""
    try:
        return signing.loads(
            token, salt=f"midsummer:{purpose}:{current_schema()}", max_age=max_age_seconds
        )
    except signing.BadSignature:
        return None
