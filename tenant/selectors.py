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


@dataclass(frozen=True)
class SchemaAppState:
    app_label: str
    applied: int
    behind: int  # migrations in the code not applied here
    unknown: list[str]  # applied here but not in the code: drift

    @property
    def state(self) -> str:
        if self.unknown:
            return "drift"
        return "at head" if self.behind == 0 else f"behind by {self.behind}"


@dataclass(frozen=True)
class TenantSchemaStatus:
    schema_name: str
    name: str
    is_active: bool
    hosts: list[str]
    schema_exists: bool
    apps: list[SchemaAppState]

    @property
    def is_current(self) -> bool:
        return self.schema_exists and all(a.state == "at head" for a in self.apps)


def tenants_schema_status() -> list[TenantSchemaStatus]:
    """Every tenant's hosts and migration state per app, from a few catalog queries in all:
    one for the schemas that exist, one reading every schema's django_migrations at once."""
    from django.conf import settings
    from django_tenants.utils import app_labels, get_public_schema_name

    public = get_public_schema_name()
    tenants = list(Tenant.objects.prefetch_related("domains", "custom_domains").order_by("name"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        existing = {row[0] for row in cursor.fetchall()}
        present = [t.schema_name for t in tenants if t.schema_name in existing]
        applied: dict[str, set[tuple[str, str]]] = {name: set() for name in present}
        if present:
            # Schema names come from pg_namespace and are quoted; the values are parameters.
            union = " UNION ALL ".join(
                f"SELECT %s, app, name FROM {connection.ops.quote_name(name)}.django_migrations"  # noqa: S608
                for name in present
            )
            cursor.execute(union, present)
            for schema, app, name in cursor.fetchall():
                applied[schema].add((app, name))
    on_disk = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    shared_labels, tenant_labels = (
        app_labels(settings.SHARED_APPS),
        app_labels(settings.TENANT_APPS),
    )
    statuses = []
    for tenant in tenants:
        labels = shared_labels if tenant.schema_name == public else tenant_labels
        done = applied.get(tenant.schema_name, set())
        apps = []
        for label in sorted(set(labels)):
            code = {name for app, name in on_disk if app == label}
            here = {name for app, name in done if app == label}
            if not code and not here:
                continue
            apps.append(SchemaAppState(label, len(here), len(code - here), sorted(here - code)))
        statuses.append(
            TenantSchemaStatus(
                schema_name=tenant.schema_name,
                name=tenant.name,
                is_active=tenant.is_active,
                hosts=[d.domain for d in tenant.domains.all()]
                + [c.domain for c in tenant.custom_domains.all() if c.is_verified],
                schema_exists=tenant.schema_name in existing,
                apps=apps,
            )
        )
    return statuses
