import logging
from collections.abc import Sequence
from smtplib import SMTPException

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)


def queue_after_commit(task_name: str, *args: object) -> None:
    """Queue the Celery task ``task_name`` with ``args`` (ids and strings, never model
    instances) once the current transaction commits, in the schema being served; nothing is
    queued for a transaction that rolls back. Every task an app queues from a write goes
    through here: it is recorded in the writer's transaction (the outbox, tenant/outbox.py), so
    it is delivered even when the broker is unreachable at that moment, and run once."""
    from tenant.outbox import outbox_add

    outbox_add(task_name=task_name, args=args)


def queue_many_after_commit(task_name: str, args_list: Sequence[Sequence[object]]) -> None:
    """``queue_after_commit`` for one task run once per entry of ``args_list``, recorded in
    one statement."""
    from tenant.outbox import outbox_add_many

    outbox_add_many(task_name=task_name, args_list=args_list)


@shared_task(
    name="tenant.deliver",
    # The database blinked while starting or finishing it: try again soon, through the broker.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=6,
)
def deliver(message_id: int) -> bool:
    """Run the task an outbox message names, unless it already ran. Returns whether it ran."""
    from tenant.outbox import outbox_deliver

    return outbox_deliver(message_id=message_id)


@shared_task(name="tenant.drain_outbox")
def drain_outbox() -> int:
    """Publish again what is still owed (beat, every OUTBOX_DRAIN_SECONDS). Returns how many."""
    from tenant.outbox import outbox_drain

    return outbox_drain()


@shared_task(
    name="tenant.send_email",
    autoretry_for=(SMTPException, ConnectionError),
    retry_backoff=True,
    max_retries=5,
)
def send_email(subject: str, body: str, to: list[str], html_body: str | None = None) -> int:
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return message.send()


@shared_task(name="tenant.run_in_every_tenant")
def run_in_every_tenant(task_name: str, only_due: bool = False) -> int:
    """Queue ``task_name`` once in each active tenant's schema, each as a task of its own, so
    one tenant's failure never stops the others; with ``only_due``, only where the due index
    says it has work (tenant/due.py). Returns how many were queued."""
    from celery import current_app
    from django.utils import timezone
    from django.utils.module_loading import autodiscover_modules
    from django_tenants.utils import tenant_context

    from tenant.due import tenants_due
    from tenant.selectors import active_tenants

    # Every app's tasks module (a no-op once imported). Not Celery's import_default_modules():
    # in a worker it runs django.setup() again, which re-applies LOGGING over the worker's
    # redirected stderr, and the worker logs nothing from then on.
    autodiscover_modules("tasks")
    task = current_app.tasks[task_name]
    queued = 0
    tenants = active_tenants()
    if only_due:
        tenants = tenants_due(task_name, tenants, now=timezone.now())
    for tenant in tenants:
        try:
            with tenant_context(tenant):
                task.apply_async()
            queued += 1
        except Exception:
            # Only reachable when tasks run eagerly (dev mode): a worker runs each separately.
            logger.exception("%s failed in %s; carrying on with the others", task_name, tenant)
    return queued


TICK_SECONDS = 60


@shared_task(name="tenant.run_periodic_work")
def run_periodic_work(minute: int | None = None) -> list[str]:
    """The platform's tick (beat, every minute): each tenant app's periodic work that is due
    this minute (its contract's ``periodic``, every ``every`` seconds) is queued in every
    active tenant — or, for work with ``next_due``, in those the due index names, and in every
    one once per ``PERIODIC_SWEEP_MINUTES``. Returns the task names queued."""
    import time

    from django.conf import settings

    from midsummer.contract import periodic_work

    minute = int(time.time() // TICK_SECONDS) if minute is None else minute
    sweep = minute % max(settings.PERIODIC_SWEEP_MINUTES, 1) == 0
    due = [work for work in periodic_work() if minute % max(work.every // TICK_SECONDS, 1) == 0]
    for work in due:
        run_in_every_tenant(work.task, only_due=work.next_due is not None and not sweep)
    return [work.task for work in due]
