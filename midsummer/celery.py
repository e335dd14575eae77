"""The tenant-aware Celery app: a task runs in the schema it was queued from."""

import os

from celery.signals import task_postrun, task_prerun
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "midsummer.settings")

app = CeleryApp("midsummer")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# An archived convention is read-only in tasks too. tenant-schemas-celery switches the schema in
# its own task_prerun handler, connected before this one: by now the connection knows the tenant.
# Celery's Django fixup may close the connection after this handler; the flag makes the next
# connection read-only as well (midsummer/postgresql_backend).
@task_prerun.connect(dispatch_uid="midsummer_archived_tenant_read_only")
def _archived_tenant_read_only(task=None, **_kwargs) -> None:
    from django.db import connection

    tenant = getattr(connection, "tenant", None)
    if getattr(tenant, "is_archived", False):
        connection.set_read_only(True)  # type: ignore[attr-defined]


@task_postrun.connect(dispatch_uid="midsummer_archived_tenant_read_only_reset")
def _reset_read_only(task=None, **_kwargs) -> None:
    from django.db import connection

    if getattr(connection, "read_only", False):
        connection.set_read_only(False)  # type: ignore[attr-defined]


# After a run of indexed periodic work (a PeriodicWork with next_due) in a convention, its next
# due time goes into the index (tenant/due.py), whoever queued the run: the tick or a write.
# tenant-schemas-celery has already switched back by now, so the schema is entered again.
@task_postrun.connect(dispatch_uid="midsummer_due_work_reschedule")
def _reschedule_due_work(task=None, kwargs=None, state=None, **_kwargs) -> None:
    from django_tenants.utils import get_public_schema_name, tenant_context
    from tenant_schemas_celery.app import get_schema_name_from_task

    from tenant.due import indexed_work, work_reschedule

    work = indexed_work(task.name) if task is not None else None
    if work is None or state != "SUCCESS":
        return
    schema = get_schema_name_from_task(task, kwargs or {})
    if not schema or schema == get_public_schema_name():
        return
    with tenant_context(task.get_tenant_for_schema(schema_name=schema)):
        work_reschedule(work)


# PostgreSQL caches the catalog entries of every schema a connection has visited (about 47 KB
# each): a worker running the periodic fan-out would grow without end on one connection. After
# serving WORKER_SCHEMAS_PER_CONNECTION different schemas, the connection is closed between
# tasks and the next task opens a fresh one.
@task_postrun.connect(dispatch_uid="midsummer_recycle_connection_after_many_schemas")
def _recycle_connection_after_many_schemas(task=None, **_kwargs) -> None:
    from django.conf import settings
    from django.db import connection

    raw = connection.connection
    if raw is None:
        return
    seen: set[str] = raw.__dict__.setdefault("midsummer_schemas_served", set())
    seen.add(getattr(connection, "schema_name", ""))
    if len(seen) >= settings.WORKER_SCHEMAS_PER_CONNECTION and not connection.in_atomic_block:
        connection.close()
