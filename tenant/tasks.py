import logging
from smtplib import SMTPException

from celery import shared_task
from django.core.mail import EmailMultiAlternatives

logger = logging.getLogger(__name__)


def queue_after_commit(task_name: str, *args: object) -> None:
    """Queue the Celery task ``task_name`` with ``args`` (ids and strings, never model
    instances) once the current transaction commits, in the schema being served; nothing is
    queued for a transaction that rolls back. Every task an app queues from a write goes
    through here, so what happens when the broker is unreachable is decided in one place."""
    from celery import current_app
    from django.db import transaction
    from django.utils.module_loading import autodiscover_modules

    def send() -> None:
        autodiscover_modules("tasks")  # a no-op once the apps' task modules are imported
        current_app.tasks[task_name].apply_async(args=args)

    transaction.on_commit(send)


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
def run_in_every_tenant(task_name: str) -> int:
    """Queue ``task_name`` once in each active tenant's schema, each as a task of its own, so
    one tenant's failure never stops the others. Returns how many were queued."""
    from celery import current_app
    from django.utils.module_loading import autodiscover_modules
    from django_tenants.utils import tenant_context

    from tenant.selectors import active_tenants

    # Every app's tasks module (a no-op once imported). Not Celery's import_default_modules():
    # in a worker it runs django.setup() again, which re-applies LOGGING over the worker's
    # redirected stderr, and the worker logs nothing from then on.
    autodiscover_modules("tasks")
    task = current_app.tasks[task_name]
    queued = 0
    for tenant in active_tenants():
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
    active tenant. Returns the task names queued."""
    import time

    from midsummer.contract import periodic_work

    minute = int(time.time() // TICK_SECONDS) if minute is None else minute
    due = [
        work.task for work in periodic_work() if minute % max(work.every // TICK_SECONDS, 1) == 0
    ]
    for task_name in due:
        run_in_every_tenant(task_name)
    return due
