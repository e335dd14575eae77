from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.models import Q, QuerySet

from tenant.models import CustomDomain, Domain, Membership, Tenant, User


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


def site_url_for(*, host: str) -> str:
    """The address of the site on ``host`` (no trailing slash), for links built without a
    request — mails sent by Celery. ``https`` (``http`` with DEBUG on), with
    ``settings.SITE_LINK_PORT`` when it is set (dev mode: the port ``make run`` serves on)."""
    scheme = "http" if settings.DEBUG else "https"
    port = settings.SITE_LINK_PORT
    default = 80 if scheme == "http" else 443
    suffix = f":{port}" if port and port != default else ""
    return f"{scheme}://{host}{suffix}"


def canonical_host(*, schema: str) -> str | None:
    """The host a tenant's site is known by: its primary platform Domain (the first by name
    when none is marked primary)."""
    return (
        Domain.objects.filter(tenant__schema_name=schema)
        .order_by("-is_primary", "domain")
        .values_list("domain", flat=True)
        .first()
    )


def tenant_site_url(*, tenant: Tenant) -> str:
    """The canonical address of a tenant's site (its primary platform host, see
    ``site_url_for``). Every link in a mail is built from it, never from a request's host."""
    host = canonical_host(schema=tenant.schema_name)
    return site_url_for(host=host) if host else ""


def existing_schemas(*, schemas: list[str]) -> set[str]:
    """Which of ``schemas`` exist in the database (one catalog query)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [schemas])
        return {row[0] for row in cursor.fetchall()}


def host_is_taken(*, host: str) -> bool:
    return (
        Domain.objects.filter(domain=host).exists()
        or CustomDomain.objects.filter(domain=host).exists()
    )


def users_known_here() -> QuerySet[User]:
    """The people the convention being served knows: its team and everyone taking part in it
    (the tenant apps say who, through their contracts). A convention's admin offers no one else
    as a choice — never the platform's other accounts."""
    from midsummer.contract import attendee_account_ids
    from tenant.current import current_tenant_id

    return User.objects.filter(
        Q(memberships__tenant_id=current_tenant_id()) | Q(pk__in=attendee_account_ids())
    ).distinct()


def memberships_of_user(*, user: User):
    return Membership.objects.filter(user=user).select_related("tenant").order_by("tenant__name")


def token_subject(*, tenant: Tenant, user: User | None, application) -> dict:
    """What an API token speaks for here: a member and their roles, or a device's application."""
    subject: dict = {"tenant": tenant.name, "application": application.name}
    if user is None:
        return subject | {"kind": "device"}
    membership = Membership.objects.filter(
        user=user, tenant=tenant, accepted_at__isnull=False
    ).first()
    return subject | {
        "kind": "user",
        "email": user.email,
        "name": user.full_name,
        "roles": list(membership.roles) if membership else [],
        "is_tenant_superuser": bool(membership and membership.is_tenant_superuser),
        "is_developer": bool(membership and membership.is_developer),
    }


def tenant_hosts(*, tenant: Tenant) -> dict[str, list]:
    return {
        "domains": list(tenant.domains.order_by("-is_primary", "domain")),
        "custom_domains": list(tenant.custom_domains.order_by("domain")),
    }


def active_tenants():
    """Every active convention (the public schema is not one). Archived and deactivated ones
    are left out: periodic tasks write, and an archived convention is read-only."""
    from django_tenants.utils import get_public_schema_name

    return Tenant.objects.filter(state=Tenant.State.ACTIVE).exclude(
        schema_name=get_public_schema_name()
    )


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
    lifecycle: str = "active"  # Tenant.state: active, archived or deactivated

    @property
    def is_current(self) -> bool:
        return self.schema_exists and all(a.state == "at head" for a in self.apps)

    @property
    def is_behind(self) -> bool:
        """Missing, or lacking a migration the code has: its hosts answer 503 "being updated"
        (midsummer/middleware.py) until ``migrate_schemas`` runs."""
        return not self.schema_exists or any(a.behind for a in self.apps)


# Schemas per catalog query: one statement stays a reasonable size with thousands of tenants.
SCHEMAS_PER_QUERY = 1000


def schemas_with_migrations_table(*, schemas: list[str]) -> set[str]:
    """Those of ``schemas`` that exist and have a ``django_migrations`` table: one query."""
    if not schemas:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid "
            "WHERE c.relname = 'django_migrations' AND c.relkind = 'r' "
            "AND n.nspname = ANY(%s)",
            [list(schemas)],
        )
        return {row[0] for row in cursor.fetchall()}


def applied_migrations(*, schemas: list[str]) -> dict[str, set[tuple[str, str]] | None]:
    """(app, name) rows of each schema's own ``django_migrations``, for every schema at once:
    one catalog query, then one query per ``SCHEMAS_PER_QUERY`` schemas. ``None`` for a schema
    that is missing or has no ``django_migrations`` table. Never reads another schema's table
    (``public`` records tenant apps' migrations too, without their tables)."""
    readable = schemas_with_migrations_table(schemas=schemas)
    applied: dict[str, set[tuple[str, str]] | None] = {
        name: (set() if name in readable else None) for name in schemas
    }
    ordered = sorted(readable)
    for start in range(0, len(ordered), SCHEMAS_PER_QUERY):
        chunk = ordered[start : start + SCHEMAS_PER_QUERY]
        # Schema names come from the catalog and are quoted; the values are parameters.
        union = " UNION ALL ".join(
            f"SELECT %s, app, name FROM {connection.ops.quote_name(name)}.django_migrations"  # noqa: S608
            for name in chunk
        )
        with connection.cursor() as cursor:
            cursor.execute(union, chunk)
            for schema, app, name in cursor.fetchall():
                applied[schema].add((app, name))  # type: ignore[union-attr]
    return applied


def _applied_migrations(schemas: list[str]) -> dict[str, set[tuple[str, str]]]:
    """Like ``applied_migrations``, with an empty set for unreadable schemas."""
    return {schema: rows or set() for schema, rows in applied_migrations(schemas=schemas).items()}


def _app_labels_of(schema: str) -> tuple[str, ...]:
    from django_tenants.utils import get_public_schema_name

    return _app_labels(shared=schema == get_public_schema_name())


@functools.cache
def _app_labels(*, shared: bool) -> tuple[str, ...]:
    from django_tenants.utils import app_labels

    return tuple(sorted(set(app_labels(settings.SHARED_APPS if shared else settings.TENANT_APPS))))


def _by_app(migrations: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    names: dict[str, set[str]] = defaultdict(set)
    for app, name in migrations:
        names[app].add(name)
    return names


def _app_states(
    labels: Iterable[str], applied: dict[str, set[str]], on_disk: dict[str, set[str]]
) -> list[SchemaAppState]:
    states = []
    for label in labels:
        code, here = on_disk.get(label, set()), applied.get(label, set())
        if code or here:
            states.append(SchemaAppState(label, len(here), len(code - here), sorted(here - code)))
    return states


def schema_migration_states(*, schema: str) -> list[SchemaAppState]:
    """One schema's migration state per app, against the migrations in the code."""
    on_disk = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    applied = _applied_migrations([schema])[schema]
    return _app_states(_app_labels_of(schema), _by_app(applied), _by_app(on_disk))


def tenants_schema_status() -> list[TenantSchemaStatus]:
    """Every tenant's hosts and migration state per app, from a few catalog queries in all:
    one for the schemas that exist, one reading every schema's django_migrations at once.
    Schemas at the same migrations share one computed state (nearly all are), so thousands
    of tenants cost their rows, not thousands of comparisons."""
    tenants = list(
        Tenant.objects.order_by("name").values_list(
            "pk", "schema_name", "name", "is_active", "state"
        )
    )
    hosts: dict[int, list[str]] = defaultdict(list)
    for tenant_id, domain in Domain.objects.values_list("tenant_id", "domain"):
        hosts[tenant_id].append(domain)
    for tenant_id, domain in CustomDomain.objects.filter(verified_at__isnull=False).values_list(
        "tenant_id", "domain"
    ):
        hosts[tenant_id].append(domain)
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        existing = {row[0] for row in cursor.fetchall()}
    applied = _applied_migrations([schema for _, schema, *_ in tenants if schema in existing])
    on_disk = _by_app(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    states: dict[tuple[tuple[str, ...], frozenset], list[SchemaAppState]] = {}
    statuses = []
    for pk, schema, name, is_active, state in tenants:
        labels = _app_labels_of(schema)
        key = (labels, frozenset(applied.get(schema, ())))
        if key not in states:
            states[key] = _app_states(labels, _by_app(key[1]), on_disk)
        statuses.append(
            TenantSchemaStatus(
                schema_name=schema,
                name=name,
                is_active=is_active,
                hosts=hosts[pk],
                schema_exists=schema in existing,
                lifecycle=state,
                apps=states[key],
            )
        )
    return statuses


MigrationKey = tuple[str, str]


def _tenant_app_labels() -> set[str]:
    from django.conf import settings
    from django_tenants.utils import app_labels

    return set(app_labels(settings.TENANT_APPS))


def with_squashed(
    applied: set[MigrationKey], replacements: dict[MigrationKey, list[MigrationKey]]
) -> set[MigrationKey]:
    """``applied`` plus every squashed migration whose replaced migrations are all applied
    (and the replaced ones of an applied squash), as Django's loader counts them."""
    result = set(applied)
    for squashed, replaced in replacements.items():
        if all(key in result for key in replaced):
            result.add(squashed)
        elif squashed in result:
            result.update(replaced)
    return result


def tenant_migrations_in_code() -> tuple[frozenset[MigrationKey], dict]:
    """Every migration of the tenant apps in the migration graph, and the squash replacements.

    Reads only the code (no database); callers that need it often keep the result."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    labels = _tenant_app_labels()
    nodes = frozenset(key for key in loader.graph.nodes if key[0] in labels)
    replacements = {key: list(m.replaces) for key, m in loader.replacements.items()}
    return nodes, replacements


def schema_is_behind(
    *, schema: str, code: tuple[frozenset[MigrationKey], dict] | None = None
) -> bool:
    """Whether ``schema`` lacks a tenant-app migration the code has (or is missing): two
    queries. Migrations applied here that the code does not have (drift) do not count."""
    nodes, replacements = code or tenant_migrations_in_code()
    applied = applied_migrations(schemas=[schema])[schema]
    return applied is None or bool(nodes - with_squashed(applied, replacements))
