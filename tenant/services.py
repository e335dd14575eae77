"""Writes to the shared schema: tenants, their hosts, accounts and memberships."""

from __future__ import annotations

import re
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tenant.current import current_tenant_id, site_link
from tenant.models import CustomDomain, Domain, Membership, Tenant, User
from tenant.routing import normalize_host
from tenant.schema_clone import TEMPLATE_SCHEMA
from tenant.selectors import host_is_taken
from tenant.tokens import site_bound_dumps, site_bound_loads

HOST_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
HOST_PATTERN = re.compile(rf"{HOST_LABEL}(?:\.{HOST_LABEL})*")


def _claim_host(host: str) -> str:
    normalized = normalize_host(host)
    if not normalized:
        raise ValidationError({"domain": "A host name is required."})
    if len(normalized) > 253:
        raise ValidationError({"domain": "A host name has at most 253 characters."})
    if not HOST_PATTERN.fullmatch(normalized):
        raise ValidationError(
            {
                "domain": f"{normalized} is not a host name (letters, digits, - and dots; "
                "international names in their xn-- form)."
            }
        )
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


def user_for_email(*, email: str) -> User:
    """The account of this address, created without a password when there is none yet (its
    owner sets one with "forgot password"; until then nobody can log in with it)."""
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email=email).first()
    return user if user is not None else User.objects.create_user(email=email, password=None)


EMAIL_CONFIRMATION_DAYS = 3
INVITATION_DAYS = 14


def _render_mail(template: str, context: dict) -> tuple[str, str]:
    """Subject (the first line) and body of a mail template."""
    subject, _, body = render_to_string(template, context).partition("\n")
    return subject.strip(), body.lstrip("\n")


@transaction.atomic
def user_sign_up(*, email: str, password: str, full_name: str = "", next_path: str = "") -> None:
    """Sign a person up: one account for every convention on Midsummer, usable once they
    confirm their address from the link mailed to it.

    Answers the same whether or not the address already has an account (no account oracle):
    for a new address the account is created and a confirmation link is mailed; for a taken
    one nothing is created and its owner is told by mail that someone tried. Side effect: one
    mail, after commit. Raises ValidationError for an unacceptable password.
    """
    email = User.objects.normalize_email(email).strip().lower()
    user = User(email=email, full_name=full_name)
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    if User.objects.filter(email=email).exists():
        subject, body = _render_mail(
            "accounts/email/signup_taken.txt",
            {
                "email": email,
                "login_link": site_link(reverse("login")),
                "reset_link": site_link(reverse("password_reset")),
            },
        )
        email_queue(subject=subject, body=body, to=[email])
        return
    user.set_password(password)
    user.save()
    token = site_bound_dumps({"u": user.pk, "e": email, "n": next_path}, purpose="confirm-email")
    subject, body = _render_mail(
        "accounts/email/confirm_email.txt",
        {
            "email": email,
            "link": site_link(reverse("confirm-email", kwargs={"token": token})),
            "days": EMAIL_CONFIRMATION_DAYS,
        },
    )
    email_queue(subject=subject, body=body, to=[email])


def email_confirmation(*, token: str) -> tuple[User, str] | None:
    """The account and the page to go to next that a confirmation link made on this site
    stands for, or None (forged, expired, made elsewhere, or the address changed since)."""
    payload = site_bound_loads(
        token, purpose="confirm-email", max_age_seconds=EMAIL_CONFIRMATION_DAYS * 86400
    )
    if payload is None:
        return None
    user = User.objects.filter(
        pk=int(payload["u"]), email=str(payload["e"]), is_active=True
    ).first()
    return (user, str(payload.get("n") or "")) if user is not None else None


def email_mark_verified(*, user: User) -> User:
    """The person proved they read their mailbox (a confirmation, reset or invitation link)."""
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
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
    invited_by: User | None = None,
    is_tenant_superuser: bool = False,
    is_developer: bool = False,
) -> Membership:
    """Invite ``email`` to ``tenant``'s team with these roles, creating the account if needed.

    The roles count only once the invitation is accepted from that mailbox (``membership_accept``
    with the mailed link): an address someone signed up with beforehand gains nothing until its
    owner accepts. Someone already on the team keeps counting, with the new roles. Side effect:
    the invitation is mailed after commit, with a link to this convention's canonical host.
    """
    user = user_for_email(email=email)
    email = user.email
    membership = Membership.objects.filter(user=user, tenant=tenant).first()
    if membership is None:
        membership = Membership(user=user, tenant=tenant, accepted_at=None)
    membership.roles = sorted(set(roles))
    membership.is_tenant_superuser = is_tenant_superuser
    membership.is_developer = is_developer
    membership.save()
    subject, body = _render_mail(
        "accounts/email/invitation.txt",
        {
            "tenant": tenant,
            "inviter": (invited_by.full_name or invited_by.email)
            if invited_by
            else "The Midsummer operators",
            "link": invitation_link(membership=membership),
            "days": INVITATION_DAYS,
        },
    )
    email_queue(subject=subject, body=body, to=[email])
    return membership


def invitation_link(*, membership: Membership) -> str:
    """A link accepting ``membership``, valid on its convention's hosts for INVITATION_DAYS."""
    token = site_bound_dumps({"m": membership.pk, "e": membership.user.email}, purpose="invitation")
    return site_link(reverse("invitation", kwargs={"token": token}))


def invitation_by_token(*, token: str) -> Membership | None:
    """The membership an invitation link made on this site stands for, or None."""
    payload = site_bound_loads(token, purpose="invitation", max_age_seconds=INVITATION_DAYS * 86400)
    tenant_id = current_tenant_id()
    if payload is None or tenant_id is None:
        return None
    return (
        Membership.objects.select_related("user", "tenant")
        .filter(pk=int(payload["m"]), user__email=str(payload["e"]), tenant_id=tenant_id)
        .first()
    )


@transaction.atomic
def membership_accept(*, membership: Membership, user: User) -> Membership:
    """``user`` accepts the invitation they were mailed: the roles count from now on, and the
    address is proven. Refused for anyone but the invited account."""
    if membership.user_id != user.pk:
        raise ValidationError("This invitation is for another account.")
    email_mark_verified(user=user)
    if membership.accepted_at is None:
        membership.accepted_at = timezone.now()
        membership.save(update_fields=["accepted_at", "updated_at"])
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
