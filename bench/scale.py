"""Scenario 13 (opt-in, ``--only scale``): the platform tick's pass at thousands of conventions.

At each tenant count (``--scale``, default 1,000 and 5,000) one pass of the periodic hold
release and of the waiting lists runs in-process, each tenant's task executed as a worker would
(eagerly, on one connection): once over every schema — the full sweep, what every tick cost
before the due index — and once as a tick between sweeps, with ``DUE_SHARE`` of the conventions
having work due. The sweep is the baseline in the same run.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bench.stats import Row, ratio, summarize

TASKS = ("register.release_expired_holds", "register.process_waitlists")
DUE_SHARE = 0.01  # conventions with work due at a tick: a busy Saturday of on-sales


def one_pass(task: str, *, only_due: bool) -> tuple[float, int]:
    """Seconds for one pass of ``task`` (fan-out and each tenant's run), and tenants visited."""
    from celery import current_app

    from tenant.tasks import run_in_every_tenant

    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    try:
        started = time.perf_counter()
        visited = run_in_every_tenant(task, only_due=only_due)
        seconds = time.perf_counter() - started
    finally:
        current_app.conf.task_always_eager = eager
    return seconds, visited


def mark_due(share: float) -> int:
    """Index rows due now for ``share`` of the active conventions, for each task."""
    from django.utils import timezone

    from tenant.models import DueWork
    from tenant.selectors import active_tenants

    DueWork.objects.all().delete()
    tenants = list(active_tenants().values_list("pk", flat=True))
    chosen = tenants[:: max(1, round(1 / share))]
    now = timezone.now()
    DueWork.objects.bulk_create(
        DueWork(tenant_id=pk, task=task, due_at=now) for pk in chosen for task in TASKS
    )
    return len(chosen)


def scenario(*, counts: list[int], grow: Callable[[int], float], log) -> list[dict]:
    from django.db import connections

    out = []
    for count in counts:
        seconds = grow(count)
        log(f"scenario 13: {count} tenants ({seconds:.1f} s to add them by clone)")
        result: dict = {"tenants": count, "tasks": {}}
        for task in TASKS:
            sweep, swept = one_pass(task, only_due=False)
            connections.close_all()  # the sweep's connection has cached every schema's catalog
            # Each run stored its next due time (none: the row went): mark the due share again.
            result["due"] = mark_due(DUE_SHARE)
            indexed, visited = one_pass(task, only_due=True)
            log(
                f"  {task}: every schema {sweep:.2f} s ({swept} visited), "
                f"due only {indexed:.2f} s ({visited} visited)"
            )
            result["tasks"][task] = {
                "sweep": sweep,
                "swept": swept,
                "indexed": indexed,
                "visited": visited,
            }
        out.append(result)
    return out


def rows(results: list[dict]) -> list[Row]:
    out = []
    for result in results:
        for task, figures in result["tasks"].items():
            indexed, sweep = summarize([figures["indexed"]]), summarize([figures["sweep"]])
            out.append(
                Row(
                    f"13 tick at {result['tenants']} tenants",
                    f"{task.split('.')[-1]} pass, {figures['visited']} due",
                    indexed,
                    sweep,
                    f"every schema ({figures['swept']})",
                    "s",
                    ratio(indexed.median, sweep.median),
                    "< 10 s",
                    indexed.median < 10,
                    notes="one pass each; the sweep still runs every PERIODIC_SWEEP_MINUTES",
                )
            )
    return out
