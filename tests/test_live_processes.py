"""Behaviour that only shows across real processes: gunicorn workers and a Celery worker."""

from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor

import psycopg
from celery.result import AsyncResult, allow_join_result
from django.core.management import call_command
from django_tenants.utils import schema_context, tenant_context

from event.models import Event, EventDay
from event.tasks import generate_event_properties
from tenant.models import Tenant
from tests.processes import http_get as _get
from tests.processes import wait_for


def test_tenant_created_at_runtime_is_served_at_once(gunicorn, committed):
    port, _ = gunicorn
    assert _get(port, "gamma.localhost")[0] == 404
    try:
        call_command(
            "create_tenant",
            schema_name="gamma",
            name="Gamma Con",
            domain="Gamma.Localhost",  # operators type hosts any way they like
            verbosity=0,
        )

        status, body = _get(port, "gamma.localhost")

        assert status == 200
        assert "Gamma Con" in body
    finally:
        # Take it offline first and let every worker hear so, then drop it: a worker must never
        # route a request into a schema that is gone.
        with schema_context("public"):
            Tenant.objects.filter(schema_name="gamma").update(state="deactivated")
            wait_for(
                lambda: all(_get(port, "gamma.localhost")[0] == 404 for _ in range(10)),
                timeout=5,
                what="gamma to go offline on every worker",
            )
            Tenant.objects.get(schema_name="gamma").delete(force_drop=True)
    assert [_get(port, "gamma.localhost")[0] for _ in range(10)] == [404] * 10


def test_deactivation_reaches_every_server_process(gunicorn, committed):
    port, log = gunicorn

    def pids_serving_alpha() -> set[str]:
        return set(re.findall(r"pid=<?(\d+)>? status=200 host=alpha", log.read_text()))

    def warm_both_workers() -> bool:
        # Concurrent requests keep one sync worker busy, so the other one is used too.
        with ThreadPoolExecutor(max_workers=6) as pool:
            statuses = list(pool.map(lambda _: _get(port, "alpha.localhost")[0], range(24)))
        assert set(statuses) == {200}
        return len(pids_serving_alpha()) == 2

    wait_for(warm_both_workers, timeout=20, what="both workers to cache alpha's route")
    try:
        # A bulk update sends no Django signal; the database trigger still notifies.
        Tenant.objects.filter(schema_name="alpha").update(state="deactivated")

        wait_for(
            lambda: all(_get(port, "alpha.localhost")[0] == 404 for _ in range(10)),
            timeout=5,
            what="every worker to drop its cached route",
        )
        later = [_get(port, "alpha.localhost") for _ in range(20)]
    finally:
        Tenant.objects.filter(schema_name="alpha").update(state="active")

    assert all(status == 404 for status, _ in later)
    assert all("This convention is not available" in body for _, body in later)


def test_task_runs_in_the_schema_it_was_queued_from(celery_worker, committed):
    alpha = Tenant.objects.get(schema_name="alpha")
    beta = Tenant.objects.get(schema_name="beta")
    same_id = 900_001  # the same primary key in both schemas: a leak would be visible
    with tenant_context(alpha):
        Event.objects.create(
            pk=same_id,
            name="Alpha Con",
            slug="alpha-con",
            start_date=dt.date(2027, 7, 1),
            end_date=dt.date(2027, 7, 4),
        )
    with tenant_context(beta):
        Event.objects.create(
            pk=same_id,
            name="Beta Con",
            slug="beta-con",
            start_date=dt.date(2027, 9, 1),
            end_date=dt.date(2027, 9, 2),
        )
    try:
        with tenant_context(alpha):
            sent = generate_event_properties.apply_async(
                args=[same_id],
                queue=celery_worker.queue,
                connection=celery_worker.broker,
                ignore_result=False,  # the product's tasks keep none
            )

        # Not inside a task: eager tasks run from the concurrency tests' threads can leave Celery's
        # process-wide "joining would block" guard set, since its reset is not thread-safe.
        with allow_join_result():
            outcome = AsyncResult(sent.id, backend=celery_worker.results).get(timeout=30)

        with tenant_context(alpha):
            alpha_days = list(EventDay.objects.values_list("date", flat=True))
        with tenant_context(beta):
            beta_days = list(EventDay.objects.values_list("date", flat=True))
    finally:
        for tenant in (alpha, beta):
            with tenant_context(tenant):
                Event.objects.filter(pk=same_id).delete()

    assert outcome == {"schema": "alpha", "event_id": same_id, "days": 4}
    assert alpha_days == [dt.date(2027, 7, day) for day in range(1, 5)]
    assert beta_days == []


def test_route_cache_is_dropped_when_another_connection_commits_a_change(committed):
    from django.test import Client

    from tenant.routing import resolver
    from tests.processes import database_url_for_children

    wait_for(
        lambda: Client(HTTP_HOST="alpha.localhost").get("/") and resolver.is_listening,
        timeout=5,
        what="the route listener",
    )
    assert Client(HTTP_HOST="alpha.localhost").get("/").status_code == 200
    assert "alpha.localhost" in resolver.cached_hosts()

    with psycopg.connect(database_url_for_children(), autocommit=True) as other:
        other.execute(
            "UPDATE tenant_domain SET is_primary = is_primary WHERE domain = 'beta.localhost'"
        )

    wait_for(
        lambda: "alpha.localhost" not in resolver.cached_hosts(),
        timeout=5,
        what="the NOTIFY to reach this process",
    )


def test_periodic_fan_out_reaches_every_tenant_when_one_tenants_task_fails(
    celery_worker, committed
):
    from django.db import connection
    from django.utils import timezone

    from register.models import Order, Registration
    from register.services import order_place
    from tenant.models import User
    from tenant.tasks import run_in_every_tenant
    from tests.factories.event import EventFactory
    from tests.factories.register import BadgeLevelFactory, attendee

    beta = Tenant.objects.get(schema_name="beta")
    buyer = User.objects.create_user("fan-out@example.org", None)
    with tenant_context(beta):
        level = BadgeLevelFactory(event=EventFactory(slug="fan-out-con"))
        lapsed = order_place(
            event=level.event,
            account=buyer,
            attendees=[attendee(level)],
            provider="simulated",
            now=timezone.now() - dt.timedelta(hours=1),
        )
    with connection.cursor() as cursor:
        # alpha's task fails in the worker: its orders table is gone for this test.
        cursor.execute("ALTER TABLE alpha.register_order RENAME TO register_order_gone")
    try:
        with schema_context("public"):
            sent = run_in_every_tenant.apply_async(
                args=["register.release_expired_holds"],
                queue=celery_worker.queue,
                connection=celery_worker.broker,
                ignore_result=False,  # the product's tasks keep none
            )
        with allow_join_result():
            queued = AsyncResult(sent.id, backend=celery_worker.results).get(timeout=30)

        def beta_expired() -> bool:
            with tenant_context(beta):
                return Order.objects.get(pk=lapsed.pk).status == "expired"

        wait_for(beta_expired, timeout=30, what="beta's lapsed order to expire in the worker")
        wait_for(
            lambda: "register_order" in _worker_failures(celery_worker.log),
            timeout=30,
            what="alpha's task to fail in the worker",
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE alpha.register_order_gone RENAME TO register_order")
        with tenant_context(beta):
            Registration.objects.filter(order_id=lapsed.pk).delete()
            Order.objects.filter(pk=lapsed.pk).delete()
            level.event.delete()
        with schema_context("public"):
            buyer.delete()

    assert queued == Tenant.objects.filter(is_active=True).exclude(schema_name="public").count()
    assert queued >= 2
    failures = _worker_failures(celery_worker.log).splitlines()
    assert len(failures) == 1  # alpha's; beta's ran to the end (above)
    # The worker logs through LOGGING too: the line names the tenant it failed in.
    assert " ERROR [alpha:None] celery.app.trace: " in failures[0]
    assert 'relation "register_order" does not exist' in failures[0]


def _worker_failures(log) -> str:
    return "\n".join(
        line
        for line in log.read_text().splitlines()
        if "register.release_expired_holds" in line and "raised unexpected" in line
    )


def test_the_due_pass_in_a_worker_visits_the_tenant_due_and_reschedules_it(
    celery_worker, committed
):
    """The index end to end, in a real worker: a committed held order notes its expiry, the
    pass queues the release only where it is due, and the worker's run drops the row (nothing
    left pending) after switching back to the task's schema."""
    from django.utils import timezone

    from register.models import Order, Registration
    from register.services import order_place
    from tenant.models import DueWork, User
    from tenant.tasks import run_in_every_tenant
    from tests.factories.event import EventFactory
    from tests.factories.register import BadgeLevelFactory, attendee

    beta = Tenant.objects.get(schema_name="beta")
    buyer = User.objects.create_user("due-pass@example.org", None)
    with tenant_context(beta):
        level = BadgeLevelFactory(event=EventFactory(slug="due-pass-con"))
        lapsed = order_place(
            event=level.event,
            account=buyer,
            attendees=[attendee(level)],
            provider="simulated",
            now=timezone.now() - dt.timedelta(hours=1),
        )
    try:
        assert list(DueWork.objects.values_list("tenant__schema_name", "task")) == [
            ("beta", "register.release_expired_holds")
        ]
        with schema_context("public"):
            sent = run_in_every_tenant.apply_async(
                args=["register.release_expired_holds"],
                kwargs={"only_due": True},
                queue=celery_worker.queue,
                connection=celery_worker.broker,
                ignore_result=False,
            )
        with allow_join_result():
            queued = AsyncResult(sent.id, backend=celery_worker.results).get(timeout=30)
        wait_for(
            lambda: not DueWork.objects.filter(tenant=beta).exists(),
            timeout=30,
            what="the worker's run to drop beta's due row",
        )
        with tenant_context(beta):
            assert Order.objects.get(pk=lapsed.pk).status == "expired"
    finally:
        with tenant_context(beta):
            Registration.objects.filter(order_id=lapsed.pk).delete()
            Order.objects.filter(pk=lapsed.pk).delete()
            level.event.delete()
        with schema_context("public"):
            buyer.delete()

    assert queued == 1
