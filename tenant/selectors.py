from __future__ import annotations

from django.db.models import Q

from tenant.models import Membership, Tenant, User


def tenant_for_host(*, host: str) -> Tenant | None:
    """The tenant serving ``host``: a platform Domain, else a *verified* CustomDomain."""
    return (
        Tenant.objects.filter(
            Q(domains__domain=host)
            | Q(custom_domains__domain=host, custom_domains__verified_at__isnull=False)
        )
        .distinct()
        .first()
    )


def host_is_taken(*, host: str) -> bool:
    from tenant.models import CustomDomain, Domain

    return (
        Domain.objects.filter(domain=host).exists()
        or CustomDomain.objects.filter(domain=host).exists()
    )


def memberships_of_user(*, user: User):
    return Membership.objects.filter(user=user).select_related("tenant").order_by("tenant__name")


def token_subject(*, tenant: Tenant, user: User | None, application) -> dict:
    """What an API token speaks for here: a member and their roles, or a device's application."""
    subject: dict = {"tenant": tenant.name, "application": application.name}
    if user is None:
        return subject | {"kind": "device"}
    membership = Membership.objects.filter(user=user, tenant=tenant).first()
    return subject | {
        "kind": "user",
        "email": user.email,
        "name": user.full_name,
        "roles": list(membership.roles) if membership else [],
        "is_tenant_superuser": bool(membership and membership.is_tenant_superuser),
        "is_developer": bool(membership and membership.is_developer),
    }
