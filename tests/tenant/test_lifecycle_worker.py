"""An archived convention's tasks cannot write either (a real Celery worker)."""

from __future__ import annotations

import datetime as dt

import pytest
from celery.result import AsyncResult, allow_join_result
from django_tenants.utils import tenant_context

from event.models import Event, EventDay
from event.tasks import generate_event_properties
from tenant.models import Tenant


def test_task_queued_in_an_archived_tenant_cannot_write(celery_worker, committed):  # noqa: F811
    alpha = Tenant.objects.get(schema_name="alpha")
    with tenant_context(alpha):
        event = Event.objects.create(
            name="Archived Con",
            slug="archived-con",
            start_date=dt.date(2027, 7, 1),
            end_date=dt.date(2027, 7, 4),
        )
    Tenant.objects.filter(pk=alpha.pk).update(state=Tenant.State.ARCHIVED)
    try:
        with tenant_context(alpha):
            archived = generate_event_properties.apply_async(
                args=[event.pk],
                queue=celery_worker.queue,
                connection=celery_worker.broker,
                ignore_result=False,  # the product's tasks keep none
            )
        with allow_join_result(), pytest.raises(Exception, match="read-only transaction"):
            AsyncResult(archived.id, backend=celery_worker.results).get(timeout=30)
        with tenant_context(alpha):
            days_while_archived = EventDay.objects.filter(event=event).count()

        Tenant.objects.filter(pk=alpha.pk).update(state=Tenant.State.ACTIVE)
        with tenant_context(alpha):
            active = generate_event_properties.apply_async(
                args=[event.pk],
                queue=celery_worker.queue,
                connection=celery_worker.broker,
                ignore_result=False,  # the product's tasks keep none
            )
        with allow_join_result():
            outcome = AsyncResult(active.id, backend=celery_worker.results).get(timeout=30)
    finally:
        Tenant.objects.filter(pk=alpha.pk).update(state=Tenant.State.ACTIVE)
        with tenant_context(alpha):
            Event.objects.filter(pk=event.pk).delete()

    assert days_while_archived == 0
    # The same worker process writes again once the convention is active: nothing stuck.
    assert outcome["days"] == 4
