"""Who may call what: an OAuth2 bearer token of this convention (tenant/oauth.py refuses any
other's) that carries the endpoint's scope, and — for a token acting for a person — that
person's role here. A token of an integration or device (client credentials, no person) is
bounded by its scopes, which the convention's developers gave its application.

Rate limits are per token (or per address without one), in the convention's cache."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.contrib.django_oauth_toolkit import DjangoOAuthToolkitScheme
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework import exceptions
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle


class BearerTokenAuthentication(OAuth2Authentication):
    """DOT's bearer tokens, where a token that is sent but not valid here (another
    convention's, expired, revoked) is a 401 on every endpoint — public ones too — rather
    than a call without a token."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        found: tuple[Any, Any] | None = super().authenticate(request)
        if found is None and request.headers.get("Authorization", "").lower().startswith("bearer "):
            raise exceptions.AuthenticationFailed(
                _("This token is not valid at this convention (unknown, expired or revoked).")
            )
        return found


class BearerTokenScheme(DjangoOAuthToolkitScheme):
    """The OpenAPI security scheme: OAuth2 with each endpoint's scope (none: public)."""

    target_class = "api.access.BearerTokenAuthentication"

    def get_security_requirement(self, auto_schema: Any) -> Any:
        view = auto_schema.view
        if any(isinstance(p, AllowAny) for p in view.get_permissions()):
            return []
        scope = getattr(view, "scope", "")
        return {self.name: [scope] if scope else []}


class ScopedAccess(BasePermission):
    """The view says ``scope`` (e.g. ``registrations:read``) and, for people, ``permission``
    (a Django permission their role here must grant)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        if token is None:
            raise exceptions.NotAuthenticated(_("A bearer token of this convention is required."))
        scope = getattr(view, "scope", "")
        if not scope or not token.allow_scopes([scope]):
            raise exceptions.PermissionDenied(
                _("This token does not carry the scope %(scope)s.") % {"scope": scope}
            )
        person = token.user
        permission = getattr(view, "permission", "")
        if person is not None and permission and not person.has_perm(permission):
            raise exceptions.PermissionDenied(
                _("Your role at this convention does not allow this.")
            )
        return True


class TokenRateThrottle(SimpleRateThrottle):
    """``API_RATE`` requests per token (or per address for calls without one)."""

    scope = "api"

    def get_cache_key(self, request: Request, view: Any) -> str:
        token = request.auth
        who = f"token-{token.pk}" if token is not None else f"ip-{self.get_ident(request)}"
        return f"throttle-api-{who}"
