"""The outbox (tenant/outbox.py): a task queued by a write is kept with the write, runs in its
own tenant's schema, at most once to completion, and waits for a later attempt when it fails."""

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from tenant.models import OutboxMessage, Tenant
from tenant.outbox import MAX_ATTEMPTS, outbox_add, outbox_deliver, outbox_drain, outbox_retry
from tenant.tasks import queue_after_commit
from tests.factories.tenant import PASSWORD, MembershipFactory, UserFactory
from tests.sample_app.models import Volunteer

LATER = dt.timedelta(hours=2)  # past any backoff and the republish delay


def _volunteer(tenant, pk: int) -> Volunteer:
    with tenant_context(tenant):
        return Volunteer.objects.create(pk=pk, account_id=1, legal_name="Vol", phone="1")


def _shirt_size(tenant, pk: int) -> str:
    with tenant_context(tenant):
        return Volunteer.objects.get(pk=pk).shirt_size


def _drained(message: OutboxMessage, *, now: dt.datetime) -> bool:
    """Whether a drain at ``now`` publishes ``message`` again (it moves its publish_after)."""
    before = OutboxMessage.objects.get(pk=message.pk).publish_after
    outbox_drain(now=now)
    return OutboxMessage.objects.get(pk=message.pk).publish_after != before


def test_queued_task_is_kept_with_the_write_and_gone_with_its_rollback(tenant_a):
    with tenant_context(tenant_a):
        with pytest.raises(RuntimeError), transaction.atomic():
            queue_after_commit("sample_app.set_shirt_size", 1, "S")
            raise RuntimeError("the write failed")
        queue_after_commit("sample_app.set_shirt_size", 1, "M")

    kept = OutboxMessage.objects.filter(task_name="sample_app.set_shirt_size")
    assert list(kept.values_list("tenant_id", "args")) == [(tenant_a.pk, [1, "M"])]


def test_task_queued_on_the_public_schema_is_the_platforms(db):
    with schema_context("public"):
        queue_after_commit("tenant.send_email", "Welcome", "Hello", ["new@example.org"], None)

    kept = OutboxMessage.objects.filter(task_name="tenant.send_email")
    assert list(kept.values_list("tenant_id", "args")) == [
        (None, ["Welcome", "Hello", ["new@example.org"], None])
    ]


def test_unknown_task_or_model_argument_fails_the_write(tenant_a):
    with tenant_context(tenant_a):
        with pytest.raises(KeyError):
            queue_after_commit("sample_app.no_such_task", 1)
        with pytest.raises(TypeError):
            queue_after_commit("sample_app.set_shirt_size", tenant_a, "S")

    assert not OutboxMessage.objects.filter(task_name="sample_app.set_shirt_size").exists()


def test_task_runs_after_commit_in_its_own_tenants_schema_only(
    tenant_a, tenant_b, django_capture_on_commit_callbacks
):
    _volunteer(tenant_a, 501)
    _volunteer(tenant_b, 501)  # the same id in both schemas

    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        queue_after_commit("sample_app.set_shirt_size", 501, "XL")

    assert (_shirt_size(tenant_a, 501), _shirt_size(tenant_b, 501)) == ("XL", "")
    # Delivered: the row went with the task's write.
    assert not OutboxMessage.objects.filter(task_name="sample_app.set_shirt_size").exists()


def test_message_delivered_twice_runs_once(tenant_a):
    with tenant_context(tenant_a):
        message = outbox_add(
            task_name="tenant.send_email", args=["Your badge", "Body", ["fan@example.org"], None]
        )

        first = outbox_deliver(message_id=message.pk)
        second = outbox_deliver(message_id=message.pk)  # the drain republished it meanwhile

    assert (first, second) == (True, False)
    assert [m.subject for m in mail.outbox] == ["Your badge"]


def test_failing_task_keeps_its_message_with_the_error_until_a_later_attempt(tenant_a):
    with tenant_context(tenant_a):
        message = outbox_add(task_name="sample_app.fail", args=["SMTP said no"])
        with pytest.raises(RuntimeError):
            outbox_deliver(message_id=message.pk)
    message.refresh_from_db()
    failed_at = timezone.now()

    due_at_once = _drained(message, now=failed_at)
    due_after_backoff = _drained(message, now=failed_at + dt.timedelta(seconds=31))

    assert (message.attempts, message.last_error, message.failed_at) == (
        1,
        "RuntimeError: SMTP said no",
        None,
    )
    assert (due_at_once, due_after_backoff) == (False, True)


def test_task_failing_every_time_is_given_up_then_retried_by_hand(tenant_a):
    with tenant_context(tenant_a):
        message = outbox_add(task_name="sample_app.fail", args=["always"])
        for _ in range(MAX_ATTEMPTS):
            with pytest.raises(RuntimeError):
                outbox_deliver(message_id=message.pk)
        after_giving_up = outbox_deliver(message_id=message.pk)
    message.refresh_from_db()
    due_while_given_up = _drained(message, now=timezone.now() + LATER)

    retried = outbox_retry(message_ids=[message.pk])
    due_after_retry = _drained(message, now=timezone.now())

    assert (message.attempts, after_giving_up) == (MAX_ATTEMPTS, False)
    assert message.failed_at is not None
    assert (due_while_given_up, retried, due_after_retry) == (False, 1, True)


def test_task_failing_in_eager_mode_never_fails_the_write(
    tenant_a, django_capture_on_commit_callbacks
):
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        queue_after_commit("sample_app.fail", "broken")  # raises nothing here

    kept = OutboxMessage.objects.filter(task_name="sample_app.fail")
    assert list(kept.values_list("attempts", "last_error")) == [(1, "RuntimeError: broken")]


def test_drain_delivers_what_is_owed_each_in_its_own_schema(
    tenant_a, tenant_b, django_capture_on_commit_callbacks
):
    _volunteer(tenant_a, 502)
    _volunteer(tenant_b, 502)
    with tenant_context(tenant_a):  # never published (as if the broker had been down)
        in_a = outbox_add(task_name="sample_app.set_shirt_size", args=[502, "A"])
    with tenant_context(tenant_b):
        in_b = outbox_add(task_name="sample_app.set_shirt_size", args=[502, "B"])

    with django_capture_on_commit_callbacks(execute=True):
        outbox_drain(now=timezone.now() + LATER)

    assert (_shirt_size(tenant_a, 502), _shirt_size(tenant_b, 502)) == ("A", "B")
    assert not OutboxMessage.objects.filter(pk__in=[in_a.pk, in_b.pk]).exists()


def test_drain_leaves_an_archived_conventions_messages_waiting(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        waiting = outbox_add(task_name="sample_app.set_shirt_size", args=[1, "A"])
    with tenant_context(tenant_b):
        owed = outbox_add(task_name="sample_app.set_shirt_size", args=[1, "B"])
    Tenant.objects.filter(pk=tenant_a.pk).update(state=Tenant.State.ARCHIVED)
    drain_at = timezone.now() + LATER

    outbox_drain(now=drain_at)

    waiting.refresh_from_db()
    owed.refresh_from_db()
    assert waiting.publish_after < drain_at < owed.publish_after  # only beta's published again


def test_operator_retries_a_given_up_message_in_the_platform_admin_only(
    tenant_a, client_public, client_a
):
    with tenant_context(tenant_a):
        message = outbox_add(task_name="sample_app.fail", args=["always"])
    OutboxMessage.objects.filter(pk=message.pk).update(
        failed_at=timezone.now(), attempts=MAX_ATTEMPTS
    )
    client_public.force_login(UserFactory(is_superuser=True))
    org_admin = MembershipFactory(tenant=tenant_a, is_tenant_superuser=True).user
    client_a.post("/accounts/login/", {"username": org_admin.email, "password": PASSWORD})

    given_up = client_public.get("/admin/tenant/outboxmessage/?failed_at__isempty=0")
    retried = client_public.post(
        "/admin/tenant/outboxmessage/", {"action": "retry", "_selected_action": [message.pk]}
    )
    in_the_conventions_admin = client_a.get("/admin/tenant/outboxmessage/")

    message.refresh_from_db()
    assert (given_up.status_code, retried.status_code) == (200, 302)
    assert b"sample_app.fail" in given_up.content
    assert (message.failed_at, message.attempts) == (None, 0)
    assert in_the_conventions_admin.status_code == 404
