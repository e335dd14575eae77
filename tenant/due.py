"""The due index: when each convention's periodic work next has something to do.

The platform's tick (``tenant.tasks.run_periodic_work``) queues a ``PeriodicWork`` that has
``next_due`` only in the conventions whose ``DueWork.due_at`` has come, so a pass costs what is
due rather than one visit per schema. Two writers keep the index:

- a write that creates work (a hold that will expire) calls :func:`work_due` — after its
  commit, the earlier of the two times is kept;
- after each run of the task in a convention, :func:`work_reschedule` asks the app's
  ``next_due`` and stores its answer under the row's lock, so work committed while the task
  ran is either seen by ``next_due`` or noted after the lock is released.

Anything the index misses (a restored schema, a write that did not say) is found by the full
sweep every ``PERIODIC_SWEEP_MINUTES``.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from midsummer.contract import PeriodicWork, periodic_work
from tenant.models import DueWork

_NOTE_EARLIER = """
    INSERT INTO tenant_duework (tenant_id, task, due_at) VALUES (%s, %s, %s)
    ON CONFLICT (tenant_id, task)
    DO UPDATE SET due_at = LEAST(tenant_duework.due_at, EXCLUDED.due_at)
"""


def _current_tenant_id() -> int | None:
    tenant = getattr(connection, "tenant", None)
    if tenant is None or tenant.schema_name == get_public_schema_name():
        return None
    return tenant.pk


def work_due(task: str, at: dt.datetime) -> None:
    """Note that the current convention has ``task`` work due at ``at``, once the surrounding
    transaction commits (a rolled-back write creates no work; the index row is locked only
    for the one statement, never for the writer's transaction)."""
    tenant_id = _current_tenant_id()
    if tenant_id is None:
        return

    def note() -> None:
        with connection.cursor() as cursor:
            cursor.execute(_NOTE_EARLIER, [tenant_id, task, at])

    transaction.on_commit(note)


def indexed_work(task: str) -> PeriodicWork | None:
    return next((w for w in periodic_work() if w.task == task and w.next_due), None)


def work_reschedule(work: PeriodicWork) -> dt.datetime | None:
    """After ``work`` ran in the current convention: store when it is next due (or drop the
    row). Returns the time stored."""
    tenant_id = _current_tenant_id()
    if tenant_id is None or work.next_due is None:
        return None
    with transaction.atomic():
        # A row to lock, even when there was none: a note arriving meanwhile waits for this
        # transaction and then keeps the earlier time.
        DueWork.objects.bulk_create(
            [DueWork(tenant_id=tenant_id, task=work.task, due_at=timezone.now())],
            ignore_conflicts=True,
        )
        row = DueWork.objects.select_for_update().get(tenant_id=tenant_id, task=work.task)
        at = work.next_due()
        if at is None:
            row.delete()
        else:
            row.due_at = at
            row.save(update_fields=["due_at"])
    return at


def tenants_due(task: str, tenants, *, now: dt.datetime):
    """Of ``tenants`` (a queryset), those with ``task`` work due by ``now``."""
    return tenants.filter(due_work__task=task, due_work__due_at__lte=now)
