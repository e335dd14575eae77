"""A convention's lifecycle: active → archived (read-only) / deactivated (closed) → deleted.

The state lives on ``Tenant.state``; every running process learns of a change through the route
cache's NOTIFY (tenant/routing.py) and the middleware acts on it (midsummer/middleware.py).
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from tenant.models import Tenant, User
from tenant.routing import routes_sync
from tenant.schema_clone import TEMPLATE_SCHEMA

logger = logging.getLogger(__name__)


@transaction.atomic
def tenant_set_state(*, tenant: Tenant, state: str) -> Tenant:
    """Activate, archive or deactivate a convention. Side effect: on commit, every running
    process drops its route cache and serves the new state from its next request."""
    if state not in Tenant.State.values:
        raise ValidationError({"state": f"Unknown state {state!r}."})
    if tenant.schema_name in (get_public_schema_name(), TEMPLATE_SCHEMA):
        raise ValidationError({"state": "The platform and the template have no lifecycle."})
    tenant.state = state
    tenant.save(update_fields=["state", "updated_at"])
    tenant.refresh_from_db(fields=["is_active"])
    return tenant


@transaction.atomic
def tenant_export_record(*, tenant: Tenant, path: Path) -> Tenant:
    """Note that a complete export of ``tenant`` was written to ``path`` just now."""
    tenant.last_export_at = timezone.now()
    tenant.last_export_file = str(path.resolve())
    tenant.save(update_fields=["last_export_at", "last_export_file", "updated_at"])
    return tenant


def tenant_has_fresh_export(*, tenant: Tenant) -> bool:
    """An export younger than ``TENANT_DELETE_EXPORT_MAX_AGE`` whose file is still there."""
    if tenant.last_export_at is None or not tenant.last_export_file:
        return False
    max_age = dt.timedelta(minutes=settings.TENANT_DELETE_EXPORT_MAX_AGE_MINUTES)
    return (
        timezone.now() - tenant.last_export_at <= max_age
        and Path(tenant.last_export_file).is_file()
    )


@dataclass
class DeleteReport:
    schema_name: str
    users_deleted: list[str] = field(default_factory=list)
    users_kept: list[str] = field(default_factory=list)
    unacknowledged_processes: set[int] = field(default_factory=set)


def tenant_delete(
    *,
    tenant: Tenant,
    without_export: bool = False,
    sync_timeout: float = 10.0,
    grace_seconds: float = 1.0,
    progress: Callable[[str], None] = lambda _message: None,
) -> DeleteReport:
    """Delete a convention for good: its schema, its hosts, memberships, OAuth applications
    (and their tokens), and the accounts that belonged to it alone.

    Refused without a fresh export (``export_tenant``) unless ``without_export``. Steps:
    1. deactivate and commit, so every process stops serving the hosts;
    2. wait until every running process has acknowledged dropping its route cache (NOTIFY), then
       ``grace_seconds`` for requests already under way;
    3. in one transaction: drop the schema, delete the public rows, delete the accounts that
       are not platform staff, hold no membership elsewhere and that no other schema refers to
       (their orders elsewhere keep them: the database refuses, and the account is kept).
    Media files under MEDIA_ROOT/<schema>/ are removed after the commit.
    Accounts with memberships elsewhere are not candidates; platform superusers never are.
    """
    if tenant.schema_name in (get_public_schema_name(), TEMPLATE_SCHEMA):
        raise ValidationError("The platform and the template cannot be deleted.")
    if not without_export and not tenant_has_fresh_export(tenant=tenant):
        raise ValidationError(
            f"{tenant.schema_name} has no export from the last "
            f"{settings.TENANT_DELETE_EXPORT_MAX_AGE_MINUTES} minutes: run export_tenant first, "
            "or confirm deleting without one."
        )
    report = DeleteReport(schema_name=tenant.schema_name)
    progress(f"[{tenant.schema_name}] taking offline and waiting for running processes …")
    if tenant.state != Tenant.State.DEACTIVATED:
        tenant_set_state(tenant=tenant, state=Tenant.State.DEACTIVATED)
    report.unacknowledged_processes = routes_sync(timeout=sync_timeout)
    if report.unacknowledged_processes:
        logger.warning(
            "processes %s did not confirm dropping their routes", report.unacknowledged_processes
        )
    time.sleep(grace_seconds)
    progress(f"[{tenant.schema_name}] dropping the schema and its public rows")
    _drop(tenant=tenant, report=report)
    _remove_media(schema_name=report.schema_name)
    return report


@transaction.atomic
def _drop(*, tenant: Tenant, report: DeleteReport) -> None:
    from tenant.portability import users_referenced_in_schema

    schema = tenant.schema_name
    # Members here, and people this schema's rows refer to (attendees' orders), read before the
    # schema goes; never platform superusers or members of another convention.
    referenced = users_referenced_in_schema(schema)
    candidates = list(
        User.objects.filter(Q(memberships__tenant=tenant) | Q(pk__in=referenced))
        .filter(is_superuser=False)
        .exclude(memberships__tenant__in=Tenant.objects.exclude(pk=tenant.pk))
        .distinct()
        .order_by("pk")
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {connection.ops.quote_name(schema)} CASCADE")
    connection.set_schema_to_public()  # type: ignore[attr-defined]
    tenant.delete()  # Domains, CustomDomains, Memberships, Applications and their tokens cascade
    for user in candidates:
        try:
            with transaction.atomic():
                user.delete()
                # Foreign keys are deferred: check now, inside the savepoint.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            report.users_deleted.append(user.email)
        except IntegrityError:
            # Another convention's orders refer to this account.
            report.users_kept.append(user.email)
    report.users_deleted.sort()
    report.users_kept.sort()


def _remove_media(*, schema_name: str) -> None:
    shutil.rmtree(Path(settings.MEDIA_ROOT) / schema_name, ignore_errors=True)
