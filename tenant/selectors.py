from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.migrations.loader import MigrationLoader
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


@dataclass(frozen=True)
class AppMigrationState:
    app_label: str
    applied: int
    on_disk: int
    latest_applied: str | None
    head: str | None

    @property
    def is_current(self) -> bool:
        return self.applied == self.on_disk


def schema_migration_state(*, app_labels: list[str]) -> list[AppMigrationState]:
    """For the schema in use: how many of each app's migrations are applied, against the code."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = loader.applied_migrations
    states = []
    for label in app_labels:
        on_disk = sorted(name for app, name in loader.disk_migrations if app == label)
        done = sorted(name for app, name in applied if app == label)
        states.append(
            AppMigrationState(
                app_label=label,
                applied=len(done),
                on_disk=len(on_disk),
                latest_applied=done[-1] if done else None,
                head=on_disk[-1] if on_disk else None,
            )
        )
    return states


def tenant_hosts(*, tenant: Tenant) -> dict[str, list]:
    return {
        "domains": list(tenant.domains.order_by("-is_primary", "domain")),
        "custom_domains": list(tenant.custom_domains.order_by("domain")),
    }


def active_tenants():
    """Every active convention (the public schema is not one)."""
    from django_tenants.utils import get_public_schema_name

    return Tenant.objects.filter(is_active=True).exclude(schema_name=get_public_schema_name())
