"""The one place that decides what a user may do on the host being served.

On the public host only platform operators (``is_superuser``) have rights. On a tenant host,
rights come from the user's Membership in that tenant, and only ever cover the tenant apps:
a tenant superuser cannot reach shared models (tenants, users) through a tenant's admin.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django_tenants.utils import get_public_schema_name

from tenant.models import Membership, User

_NO_MEMBERSHIP = object()


def _tenant_app_labels() -> frozenset[str]:
    labels = []
    for app in settings.TENANT_APPS:
        labels.append(apps.get_app_config(app.rsplit(".", 1)[-1]).label)
    return frozenset(labels)


def _serving_public() -> bool:
    return connection.schema_name == get_public_schema_name()


def membership_for_current_tenant(user: User) -> Membership | None:
    """The user's membership in the tenant being served, memoised on the user object."""
    if not user.is_authenticated or _serving_public():
        return None
    cache: dict[str, object] = user.__dict__.setdefault("_membership_by_schema", {})
    schema = connection.schema_name
    if schema not in cache:
        tenant_id = getattr(connection.tenant, "pk", None)
        membership = (
            Membership.objects.filter(user=user, tenant_id=tenant_id).first()
            if tenant_id is not None
            else None
        )
        cache[schema] = membership or _NO_MEMBERSHIP
    found = cache[schema]
    return None if found is _NO_MEMBERSHIP else found  # type: ignore[return-value]


def user_is_staff(user: User) -> bool:
    if not user.is_active:
        return False
    if _serving_public():
        return user.is_superuser
    membership = membership_for_current_tenant(user)
    return membership is not None and membership.is_tenant_superuser


class MembershipBackend(ModelBackend):
    """Email/password login (shared User) with permissions answered per tenant."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = username or kwargs.get(User.USERNAME_FIELD)
        if email is None or password is None:
            return None
        return super().authenticate(request, username=email.strip().lower(), password=password)

    def has_perm(self, user_obj, perm: str, obj: object = None) -> bool:
        return self.has_module_perms(user_obj, perm.split(".", 1)[0])

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        if not user_obj.is_active:
            return False
        if _serving_public():
            return user_obj.is_superuser
        if app_label not in _tenant_app_labels():
            return False
        membership = membership_for_current_tenant(user_obj)
        return membership is not None and membership.is_tenant_superuser

    def get_all_permissions(self, user_obj, obj: object = None) -> set[str]:
        # Permissions are derived from roles, not stored rows (see has_perm).
        return set()
