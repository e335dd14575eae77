"""The OAuth2 / OpenID Connect endpoints a convention's host serves, each scoped to it.

Only what a convention needs is mounted (tenant/oauth_urls.py): authorization, token, revocation,
introspection, discovery, keys, userinfo, and a person's own grants. django-oauth-toolkit's
self-service application pages, device flow, dynamic client registration and RP-initiated logout
are not: a convention's developers manage its applications in its own admin
(``ApplicationAdmin``), where membership and the archived state are enforced.
"""

from __future__ import annotations

import hashlib

from django.http import JsonResponse
from oauth2_provider import views as oauth_views
from oauth2_provider.models import get_access_token_model

from tenant.current import current_tenant_id


class IntrospectTokenView(oauth_views.IntrospectTokenView):
    """RFC 7662 introspection that knows only this convention's tokens: a token issued at
    another convention is ``{"active": false}``, like one that does not exist."""

    @staticmethod
    def get_token_response(token_value=None):
        if token_value is not None:
            checksum = hashlib.sha256(token_value.encode("utf-8")).hexdigest()
            here = get_access_token_model().objects.filter(
                token_checksum=checksum, application__tenant_id=current_tenant_id()
            )
            if not here.exists():
                return JsonResponse({"active": False}, status=200)
        return oauth_views.IntrospectTokenView.get_token_response(token_value)


class AuthorizedTokensListView(oauth_views.AuthorizedTokensListView):
    """The applications of this convention that the person has let act for them."""

    def get_queryset(self):
        return super().get_queryset().filter(application__tenant_id=current_tenant_id())


class AuthorizedTokenDeleteView(oauth_views.AuthorizedTokenDeleteView):
    def get_queryset(self):
        return super().get_queryset().filter(application__tenant_id=current_tenant_id())
