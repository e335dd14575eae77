"""The one place that decides what a user may do on the host being served.

On the public host only platform operators (``is_superuser``) have rights. On a tenant host,
rights come from the user's Membership in that tenant: ``is_tenant_superuser`` is everything in
the tenant, named roles map to permissions of the tenant apps (``tenant/roles.py``), and
``is_developer`` adds the developer tools. Wildcards never reach the shared apps: a member of a
tenant cannot see tenants or users through its admin.
"""

from __future__ import annotations

from functools import cache

from django.apps import apps
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from tenant.current import current_schema, current_tenant_id, serving_public
from tenant.models import Membership, User
from tenant.roles import granted_patterns, grants_module, grants_perm

_NO_MEMBERSHIP = object()


@cache
def _tenant_app_labels() -> frozenset[str]:
    return frozenset(
        app_config.label
        for app_config in apps.get_app_configs()
        if app_config.name in settings.TENANT_APPS and app_config.name not in settings.SHARED_APPS
    )


def membership_for_current_tenant(user: User) -> Membership | None:
    """The user's membership in the tenant being served, memoised on the user object."""
    if not user.is_authenticated or serving_public():
        return None
    memo: dict[str, object] = user.__dict__.setdefault("_membership_by_schema", {})
    schema = current_schema()
    if schema not in memo:
        tenant_id = current_tenant_id()
        membership = (
            Membership.objects.filter(
                user=user, tenant_id=tenant_id, accepted_at__isnull=False
            ).first()
            if tenant_id is not None
            else None
        )
        memo[schema] = membership or _NO_MEMBERSHIP
    found = memo[schema]
    return None if found is _NO_MEMBERSHIP else found  # type: ignore[return-value]


def _patterns(user: User) -> tuple[str, ...]:
    membership = membership_for_current_tenant(user)
    if membership is None:
        return ()
    return granted_patterns(
        is_tenant_superuser=membership.is_tenant_superuser,
        is_developer=membership.is_developer,
        roles=membership.roles,
    )


def user_is_staff(user: User) -> bool:
    """May enter the admin of the host being served."""
    if not user.is_active:
        return False
    if serving_public():
        return user.is_superuser
    return bool(_patterns(user))


class MembershipBackend(ModelBackend):
    """Email/password login (shared User) with permissions answered per tenant."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = username or kwargs.get(User.USERNAME_FIELD)
        if email is None or password is None:
            return None
        return super().authenticate(request, username=email.strip().lower(), password=password)

    def has_perm(self, user_obj, perm: str, obj: object = None) -> bool:
        if not user_obj.is_active:
            return False
        if serving_public():
            return user_obj.is_superuser
        app_label = perm.split(".", 1)[0]
        return grants_perm(_patterns(user_obj), perm, tenant_app=app_label in _tenant_app_labels())

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        if not user_obj.is_active:
            return False
        if serving_public():
            return user_obj.is_superuser
        return grants_module(
            _patterns(user_obj), app_label, tenant_app=app_label in _tenant_app_labels()
        )

    def get_all_permissions(self, user_obj, obj: object = None) -> set[str]:
        # Permissions are derived from roles (see has_perm), not stored as rows.
        return set()


def acting_account(request: HttpRequest) -> User:
    """The logged-in person a view acts for (the views calling this require a log-in)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user
