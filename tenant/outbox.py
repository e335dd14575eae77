"""The outbox: a task a write queues is owed to someone (a badge mail, a transfer link), so it
must not depend on the broker being up at the instant the write commits.

``queue_after_commit`` (tenant/tasks.py) writes an ``OutboxMessage`` in the writer's own
transaction and, once that commits, publishes ``tenant.deliver`` for it: a publish that fails
fast (no retries, short socket timeouts, no result backend) and never raises into the request.
In a worker, ``tenant.deliver`` runs the named task inside a transaction that holds the message's
row lock and deletes the row, so the task's own writes and "delivered" commit together. The
drain (``tenant.drain_outbox``, beat, every ``OUTBOX_DRAIN_SECONDS``) publishes again what is
still owed: messages whose first publish failed (due at once) and messages published
``OUTBOX_REPUBLISH_AFTER_SECONDS`` ago that no worker has finished (a worker machine lost with
its unacknowledged message, a broker restarted without persistence).

Run to completion at most once: a second message for the same row (the drain republished one
whose first publish reached the broker after all; a redelivery after a worker was killed) finds
the row gone, or locked by the worker delivering it, and does nothing. What no database can make
exactly-once is an effect outside it: a mail handed to SMTP, then the commit lost in that same
instant (the worker killed between the two, the database gone), is sent again.

The table is in ``public``, one for every convention and the platform's own mail (each row names
its tenant, whose schema the task runs in): the drain finds what is owed in one indexed query
however many conventions there are, instead of visiting every schema each time, and a row
written from a convention's request is still in the writer's transaction (its ``search_path``
includes ``public``).

Edge cases:
- A task that raises: the attempt is recorded (``last_error``) and the message is published
  again after a backoff; after ``MAX_ATTEMPTS`` it is given up (``failed_at``, logged as an
  error) until an operator retries it (the operators' admin, *Outbox messages*).
- A task that kills its worker each time: attempts are counted before the task runs, so it is
  given up like one that raises.
- A convention archived or deactivated meanwhile: its messages wait (the drain skips them) until
  it is active again; a deleted convention's go with it.
- Eager mode (development without Redis): "publishing" runs the delivery in-process, after
  commit; a failure is logged, never raised into the request.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Sequence

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from tenant.current import current_schema, current_tenant_id
from tenant.models import OutboxMessage, Tenant

logger = logging.getLogger(__name__)

DELIVER_TASK = "tenant.deliver"
MAX_ATTEMPTS = 8
FIRST_RETRY = dt.timedelta(seconds=30)
LONGEST_RETRY = dt.timedelta(hours=1)
DRAIN_BATCH = 500


def _task(name: str):
    from celery import current_app
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")  # a no-op once the apps' task modules are imported
    return current_app.tasks[name]


def _republish_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.OUTBOX_REPUBLISH_AFTER_SECONDS)


def outbox_add(*, task_name: str, args: Sequence[object]) -> OutboxMessage:
    """Record that ``task_name(*args)`` is owed, in the current transaction and the schema
    being served, and publish it once the transaction commits.

    Side effects: one row in ``public`` (gone with a rollback, like the write that queued it);
    after commit, one message to the broker (or the delivery itself, in eager mode). An unknown
    task name or arguments that are not JSON (a model instance) fail here, in the write.
    """
    return outbox_add_many(task_name=task_name, args_list=[args])[0]


def outbox_add_many(
    *, task_name: str, args_list: Sequence[Sequence[object]]
) -> list[OutboxMessage]:
    """``outbox_add`` for several runs of one task, in one INSERT: a write that owes a mail to
    each of many people (the waiting lists' offers) costs one statement, not one per person."""
    _task(task_name)
    for args in args_list:
        json.dumps(list(args))  # a model instance fails here, before the INSERT spoils the write
    publish_after = timezone.now() + _republish_after()
    tenant_id = current_tenant_id()
    messages = OutboxMessage.objects.bulk_create(
        OutboxMessage(
            tenant_id=tenant_id, task_name=task_name, args=list(args), publish_after=publish_after
        )
        for args in args_list
    )
    schema = current_schema()
    message_ids = [message.pk for message in messages]
    if message_ids:
        transaction.on_commit(lambda: outbox_publish(message_ids=message_ids, schema=schema))
    return messages


def outbox_publish(*, message_ids: Sequence[int], schema: str) -> int:
    """Hand ``tenant.deliver`` for each message to the broker, to run in ``schema``. Never
    raises: at the first failure (the broker unreachable) the rest are not tried and all that
    were not published are made due at once, for the drain. Returns how many were published.

    Side effects: messages on the broker; on failure, one UPDATE of ``publish_after``.
    """
    deliver = _task(DELIVER_TASK)
    headers = {"_schema_name": schema}  # tenant-schemas-celery: the schema the task runs in
    if deliver.app.conf.task_always_eager:
        for message_id in message_ids:
            try:
                deliver.apply_async(args=[message_id], headers=headers)
            except Exception:
                logger.exception("outbox message %s failed to deliver; kept for later", message_id)
        return len(message_ids)
    for published, message_id in enumerate(message_ids):
        try:
            deliver.apply_async(args=[message_id], headers=headers, retry=False, ignore_result=True)
        except Exception as error:
            waiting = list(message_ids[published:])
            logger.warning(
                "broker unreachable (%s): %d outbox message(s) wait for the drain, first %s",
                error,
                len(waiting),
                message_id,
            )
            _make_due(waiting)
            return published
    return len(message_ids)


def _make_due(message_ids: list[int]) -> None:
    try:
        OutboxMessage.objects.filter(pk__in=message_ids).update(publish_after=timezone.now())
    except DatabaseError:
        # They are published anyway once their publish_after passes.
        logger.warning("could not mark outbox messages %s due", message_ids, exc_info=True)


def _attempt_started(message_id: int) -> int | None:
    """Count a delivery as started, committed before the task runs (a task that kills its
    worker is counted too). None when the message is gone (delivered) or given up."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {OutboxMessage._meta.db_table} SET attempts = attempts + 1 "  # noqa: S608 - our table's name
            "WHERE id = %s AND failed_at IS NULL RETURNING attempts",
            [message_id],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _backoff(attempts: int) -> dt.timedelta:
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def _record_failure(message_id: int, attempts: int, error: str) -> None:
    now = timezone.now()
    given_up = attempts >= MAX_ATTEMPTS
    try:
        with transaction.atomic():
            OutboxMessage.objects.filter(pk=message_id).update(
                last_error=error[:2000],
                publish_after=now + _backoff(attempts),
                failed_at=now if given_up else None,
            )
    except DatabaseError:
        logger.warning("could not record the failure of outbox message %s", message_id)
    if given_up:
        logger.error(
            "outbox message %s given up after %d attempts: %s", message_id, attempts, error
        )


def outbox_deliver(*, message_id: int) -> bool:
    """Run the task an outbox message names, unless it was delivered already or is being
    delivered by another worker right now. Returns whether it ran here.

    Side effects: the task's own (its writes commit together with the row's deletion); the
    attempt counted first; a failure recorded on the row with the time of the next attempt,
    then raised for Celery to log.
    """
    attempts = _attempt_started(message_id)
    if attempts is None:
        logger.info("outbox message %s already delivered (or given up); nothing to do", message_id)
        return False
    if attempts > MAX_ATTEMPTS:
        _record_failure(message_id, attempts, "the worker was lost while running it")
        return False
    try:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=message_id, failed_at=None)
                .first()
            )
            if message is None:
                logger.info("outbox message %s is being delivered elsewhere", message_id)
                return False
            _task(message.task_name)(*message.args)
            message.delete()
    except Exception as error:
        _record_failure(message_id, attempts, f"{type(error).__name__}: {error}")
        raise
    return True


@transaction.atomic
def outbox_drain(*, now: dt.datetime | None = None, limit: int = DRAIN_BATCH) -> int:
    """Publish again, after commit, every message that is due: its first publish failed, or a
    worker has not finished it within ``OUTBOX_REPUBLISH_AFTER_SECONDS``. Messages of
    conventions that are not active wait. Returns how many were due.

    Side effects: ``publish_after`` of those messages moved on (so a second drain running at
    the same time skips them); after commit, messages on the broker.
    """
    now = now or timezone.now()
    due = list(
        OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("tenant")
        .filter(failed_at=None, publish_after__lte=now)
        .filter(Q(tenant__isnull=True) | Q(tenant__state=Tenant.State.ACTIVE))
        .order_by("publish_after")[:limit]
    )
    if not due:
        return 0
    OutboxMessage.objects.filter(pk__in=[m.pk for m in due]).update(
        publish_after=now + _republish_after()
    )
    by_schema: dict[str, list[int]] = {}
    for message in due:
        schema = message.tenant.schema_name if message.tenant else get_public_schema_name()
        by_schema.setdefault(schema, []).append(message.pk)
    logger.warning("outbox: publishing %d owed message(s) again", len(due))

    def publish() -> None:
        batches = list(by_schema.items())
        for index, (schema, message_ids) in enumerate(batches):
            if outbox_publish(message_ids=message_ids, schema=schema) < len(message_ids):
                # The broker is gone again: the other schemas' messages stay due as well.
                _make_due([pk for _, later in batches[index + 1 :] for pk in later])
                return

    transaction.on_commit(publish)
    return len(due)


@transaction.atomic
def outbox_retry(*, message_ids: Sequence[int]) -> int:
    """Give messages that were given up a fresh set of attempts; the next drain publishes
    them. Returns how many. Side effects: their attempts, error and failure time reset."""
    return OutboxMessage.objects.filter(pk__in=message_ids, failed_at__isnull=False).update(
        failed_at=None, attempts=0, last_error="", publish_after=timezone.now()
    )
