"""OAuth2 / OpenID Connect, scoped to the tenant being served.

An Application belongs to one tenant. On any other tenant's host it does not exist: it cannot
start an authorization, exchange a code or refresh a token there, and a token it holds is
rejected (401) — even when the person behind the token is a member of both tenants. A token
acting for a user also needs that user to be a member of the tenant being served, or an
attendee with a paid badge there.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections import OrderedDict
from types import SimpleNamespace
from urllib.parse import unquote_plus

from django.conf import settings
from oauth2_provider.models import get_access_token_model, get_refresh_token_model
from oauth2_provider.oauth2_validators import OAuth2Validator

from midsummer.contract import account_is_attendee
from tenant.backends import membership_for_current_tenant
from tenant.current import current_tenant_id
from tenant.models import AuthorizationCodeExchange
from tenant.throttling import FailureThrottle, client_ip


def _belongs_here(user) -> bool:
    """No user (a device), a member of this tenant, or an attendee here (the tenant apps
    answer through their contracts, e.g. registration: a paid badge)."""
    if user is None or membership_for_current_tenant(user) is not None:
        return True
    return account_is_attendee(account_id=user.pk)


# Wrong client secrets at /o/token/: 10 per 15 minutes per client and per address, then every
# attempt is refused (the right secret too) until the window passes.
CLIENT_SECRET_THROTTLE = FailureThrottle(
    name="oauth-client-secret", limit=10, window=dt.timedelta(minutes=15)
)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _revoke_what_a_replayed_code_gave(code: str) -> None:
    """A code presented after it was exchanged: revoke the tokens the first exchange gave."""
    exchange = AuthorizationCodeExchange.objects.filter(code_digest=_digest(code)).first()
    if exchange is None:
        return
    get_refresh_token_model().revoke_family(exchange.refresh_token_family)
    get_access_token_model().objects.filter(token_checksum=exchange.access_token_checksum).delete()


def _client_id_of(request) -> str:
    """The client id a token request names, in its Basic credentials or its body."""
    auth = request.headers.get("HTTP_AUTHORIZATION", "")
    if auth.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(auth.split(" ", 1)[1]).decode()
        except (ValueError, UnicodeDecodeError):
            return ""
        return unquote_plus(decoded.split(":", 1)[0])
    return str(getattr(request, "client_id", "") or "")


class TenantOAuth2Validator(OAuth2Validator):
    def authenticate_client(self, request, *args, **kwargs) -> bool:
        """Client authentication, throttled per client and per address so that secrets
        cannot be guessed (security review, finding 8)."""
        parts = [
            f"client:{_client_id_of(request)}",
            f"ip:{client_ip(SimpleNamespace(META=request.headers))}",
        ]
        if not CLIENT_SECRET_THROTTLE.allows(parts):
            return False
        authenticated = super().authenticate_client(request, *args, **kwargs)
        presented = bool(getattr(request, "client_secret", None)) or request.headers.get(
            "HTTP_AUTHORIZATION", ""
        ).lower().startswith("basic ")
        if presented and not authenticated:
            CLIENT_SECRET_THROTTLE.record_failure(parts)
        return authenticated

    def _load_application(self, client_id, request):
        application = super()._load_application(client_id, request)
        if application is not None and application.tenant_id != current_tenant_id():
            request.client = None
            return None
        return application

    def validate_code(self, client_id, code, client, request, *args, **kwargs) -> bool:
        if not super().validate_code(client_id, code, client, request, *args, **kwargs):
            _revoke_what_a_replayed_code_gave(code)
            return False
        return _belongs_here(request.user)

    def _save_bearer_token(self, token, request, *args, **kwargs):
        saved = super()._save_bearer_token(token, request, *args, **kwargs)
        if request.grant_type == "authorization_code" and getattr(request, "code", None):
            refresh = None
            if token.get("refresh_token"):
                refresh = (
                    get_refresh_token_model()
                    .objects.filter(token_checksum=_digest(token["refresh_token"]))
                    .first()
                )
            AuthorizationCodeExchange.objects.create(
                code_digest=_digest(request.code),
                access_token_checksum=_digest(token["access_token"]),
                refresh_token_family=getattr(refresh, "token_family", None),
            )
        return saved

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs) -> bool:
        """Known scopes only, and of the REST API's only those its developers gave this
        application (``Application.api_scopes``)."""
        if not super().validate_scopes(client_id, scopes, client, request, *args, **kwargs):
            return False
        granted = set(client.api_scopes.split())
        return all(scope in granted for scope in scopes if scope in settings.API_SCOPES)

    def validate_bearer_token(self, token, scopes, request) -> bool:
        if not super().validate_bearer_token(token, scopes, request):
            return False
        application = request.access_token.application
        if application.tenant_id != current_tenant_id() or not _belongs_here(request.user):
            request.oauth2_error = OrderedDict(
                [("error", "invalid_token"), ("error_description", "The access token is invalid.")]
            )
            return False
        return True

    def get_additional_claims(self, request) -> dict[str, str]:
        return {"email": request.user.email, "name": request.user.full_name}
