"""Writes to the shared schema: tenants, their hosts, accounts and memberships."""

from __future__ import annotations

import re
import secrets

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tenant.models import CustomDomain, Domain, Membership, Tenant, User
from tenant.routing import normalize_host
from tenant.schema_clone import TEMPLATE_SCHEMA
from tenant.selectors import host_is_taken


def _claim_host(host: str) -> str:
    normalized = normalize_host(host)
    if not normalized:
        raise ValidationError({"domain": "A host name is required."})
    if host_is_taken(host=normalized):
        raise ValidationError({"domain": f"{normalized} is already used by a convention."})
    return normalized


SCHEMA_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
RESERVED_SCHEMA_NAMES = {"public", "information_schema", TEMPLATE_SCHEMA}


def _validate_schema_name(schema_name: str) -> None:
    if (
        not SCHEMA_NAME_PATTERN.match(schema_name)
        or schema_name.startswith("pg_")
        or schema_name in RESERVED_SCHEMA_NAMES
    ):
        raise ValidationError(
            {"schema_name": "Lower-case letters, digits and underscores; start with a letter."}
        )


@transaction.atomic
def tenant_create(*, schema_name: str, name: str, domain: str) -> Tenant:
    """Create a tenant, its schema (migrated) and its primary platform domain.

    All or nothing: if the domain is taken or the schema cannot be built, nothing is left behind.
    Running servers serve the new host on their next request.
    """
    _validate_schema_name(schema_name)
    host = _claim_host(domain)
    tenant = Tenant(schema_name=schema_name, name=name)
    tenant.full_clean()
    tenant.save(verbosity=0)
    Domain.objects.create(tenant=tenant, domain=host, is_primary=True)
    return tenant


@transaction.atomic
def domain_add(*, tenant: Tenant, domain: str, is_primary: bool = False) -> Domain:
    return Domain.objects.create(tenant=tenant, domain=_claim_host(domain), is_primary=is_primary)


@transaction.atomic
def custom_domain_add(*, tenant: Tenant, domain: str) -> CustomDomain:
    """Register a convention's own host; it is served only after ``custom_domain_verify``."""
    return CustomDomain.objects.create(
        tenant=tenant, domain=_claim_host(domain), verification_token=secrets.token_urlsafe(32)
    )


@transaction.atomic
def custom_domain_verify(*, custom_domain: CustomDomain) -> CustomDomain:
    custom_domain.verified_at = timezone.now()
    custom_domain.save(update_fields=["verified_at"])
    return custom_domain


def tenant_set_active(*, tenant: Tenant, is_active: bool) -> Tenant:
    """Open or close a convention's hosts (see tenant.lifecycle for archiving)."""
    from tenant.lifecycle import tenant_set_state

    state = Tenant.State.ACTIVE if is_active else Tenant.State.DEACTIVATED
    return tenant_set_state(tenant=tenant, state=state)


@transaction.atomic
def user_create(*, email: str, password: str | None, full_name: str = "") -> User:
    return User.objects.create_user(email=email, password=password, full_name=full_name)


@transaction.atomic
def user_register(*, email: str, password: str, full_name: str = "") -> User:
    """Sign a person up: one account for every convention on Midsummer."""
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email=email).exists():
        raise ValidationError(
            {"email": "An account with this email already exists. Log in instead."}
        )
    user = User(email=email, full_name=full_name)
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    user.save()
    return user


def email_queue(*, subject: str, body: str, to: list[str], html_body: str | None = None) -> None:
    """Send an email from a Celery worker once the current transaction commits."""
    from tenant.tasks import queue_after_commit

    queue_after_commit("tenant.send_email", subject, body, to, html_body)


@transaction.atomic
def membership_invite(
    *,
    tenant: Tenant,
    email: str,
    roles: list[str],
    invited_by: User,
    site_url: str,
    is_tenant_superuser: bool = False,
    is_developer: bool = False,
) -> Membership:
    """Make ``email`` a member of ``tenant`` with these roles, creating the account if needed.

    Side effect: after commit, the person is emailed (Celery): a new account gets a link to
    choose its password on ``site_url``; an existing one a link to log in there.
    """
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email=email).first()
    is_new_account = user is None
    if user is None:
        user = User.objects.create_user(email=email, password=None)
    membership, _ = Membership.objects.update_or_create(
        user=user,
        tenant=tenant,
        defaults={
            "roles": sorted(set(roles)),
            "is_tenant_superuser": is_tenant_superuser,
            "is_developer": is_developer,
        },
    )
    if is_new_account:
        path = reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        action = f"Choose your password to get started:\n\n{site_url}{path}"
    else:
        action = f"Log in with your Midsummer account:\n\n{site_url}{reverse('login')}"
    inviter = invited_by.full_name or invited_by.email
    email_queue(
        subject=f"You have been added to {tenant.name} on Midsummer",
        body=(
            f"Hello,\n\n{inviter} added you to the team of {tenant.name} on Midsummer.\n{action}\n"
        ),
        to=[email],
    )
    return membership


@transaction.atomic
def membership_grant(
    *, user: User, tenant: Tenant, is_tenant_superuser: bool = False, is_developer: bool = False
) -> Membership:
    """Give ``user`` a role in ``tenant`` (updating an existing membership)."""
    membership, _ = Membership.objects.update_or_create(
        user=user,
        tenant=tenant,
        defaults={"is_tenant_superuser": is_tenant_superuser, "is_developer": is_developer},
    )
    return membership


def tenant_cache_clear(*, schema_name: str) -> int:
    """Delete every cache entry of one tenant (keys start with its schema name); other tenants'
    entries stay. Returns how many were deleted."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    prefix = f"{schema_name}:"
    if isinstance(cache, RedisCache):
        # Django has no public "delete by prefix"; these are the backends' own clients.
        client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        return client.delete(*keys) if keys else 0
    if isinstance(cache, LocMemCache):
        entries, expiries = cache._cache, cache._expire_info  # type: ignore[attr-defined]
        with cache._lock:  # type: ignore[attr-defined]
            keys = [key for key in entries if key.startswith(prefix)]
            for key in keys:
                entries.pop(key, None)
                expiries.pop(key, None)
        return len(keys)
    raise NotImplementedError(f"Clearing one tenant's cache is not supported for {cache!r}.")
