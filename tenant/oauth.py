"""OAuth2 / OpenID Connect, scoped to the tenant being served.

An Application belongs to one tenant. On any other tenant's host it does not exist: it cannot
start an authorization, exchange a code or refresh a token there, and a token it holds is
rejected (401) — even when the person behind the token is a member of both tenants. A token
acting for a user also needs that user to be a member of the tenant being served, or an
attendee with a paid badge there.
"""

from __future__ import annotations

from collections import OrderedDict

from oauth2_provider.oauth2_validators import OAuth2Validator

from midsummer.contract import account_is_attendee
from tenant.backends import membership_for_current_tenant
from tenant.current import current_tenant_id


def _belongs_here(user) -> bool:
    """No user (a device), a member of this tenant, or an attendee here (the tenant apps
    answer through their contracts, e.g. registration: a paid badge)."""
    if user is None or membership_for_current_tenant(user) is not None:
        return True
    return account_is_attendee(account_id=user.pk)


class TenantOAuth2Validator(OAuth2Validator):
    def _load_application(self, client_id, request):
        application = super()._load_application(client_id, request)
        if application is not None and application.tenant_id != current_tenant_id():
            request.client = None
            return None
        return application

    def validate_code(self, client_id, code, client, request, *args, **kwargs) -> bool:
        return super().validate_code(client_id, code, client, request, *args, **kwargs) and (
            _belongs_here(request.user)
        )

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
