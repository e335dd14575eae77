"""The due index (tenant/due.py): the platform's tick visits only the conventions whose periodic
work has come due, every convention once per sweep, and each run stores when the work is next
due — per convention, never another's."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import replace

from django.db import connection, connections, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from register.models import Order
from register.services import order_place
from tenant.due import indexed_work, work_due, work_reschedule
from tenant.models import DueWork, Tenant
from tenant.tasks import run_in_every_tenant, run_periodic_work
from tests.factories.event import EventFactory
from tests.factories.register import BadgeLevelFactory, attendee
from tests.factories.tenant import UserFactory

RELEASE = "register.release_expired_holds"


def _held_order(tenant, *, placed_minutes_ago: int) -> Order:
    """A card order held 15 minutes (the level's default), placed that long ago; its hold is
    noted in the index on commit, as a real purchase's is."""
    with tenant_context(tenant):
        level = BadgeLevelFactory(event=EventFactory())
        return order_place(
            event=level.event,
            account=UserFactory(),
            attendees=[attendee(level)],
            provider="simulated",
            now=timezone.now() - dt.timedelta(minutes=placed_minutes_ago),
        )


def _status(tenant, order: Order) -> str:
    with tenant_context(tenant):
        return Order.objects.get(pk=order.pk).status


def _due(tenant) -> dt.datetime | None:
    row = DueWork.objects.filter(tenant=tenant, task=RELEASE).first()
    return row.due_at if row else None


def test_a_held_order_notes_its_expiry_on_commit(tenant_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order = _held_order(tenant_a, placed_minutes_ago=0)
    assert _due(tenant_a) is None  # nothing before the commit: a rolled-back order owes nothing

    for callback in callbacks:
        callback()

    assert order.hold_expires_at is not None
    assert _due(tenant_a) == order.hold_expires_at


def test_the_tick_visits_only_tenants_with_work_due_and_each_run_reschedules(
    tenant_a, tenant_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        lapsed_a = _held_order(tenant_a, placed_minutes_ago=60)
        later_a = _held_order(tenant_a, placed_minutes_ago=5)
        held_b = _held_order(tenant_b, placed_minutes_ago=5)
    assert _due(tenant_a) == lapsed_a.hold_expires_at

    queued = run_in_every_tenant(RELEASE, only_due=True)

    assert queued == 1  # B's hold is still running: B is not visited
    assert _status(tenant_a, lapsed_a) == "expired"
    assert _status(tenant_a, later_a) == "pending"
    assert _status(tenant_b, held_b) == "pending"
    # A's run stored A's next expiry; B's row is B's own and untouched.
    assert _due(tenant_a) == later_a.hold_expires_at
    assert _due(tenant_b) == held_b.hold_expires_at


def test_a_run_with_nothing_left_drops_the_row(tenant_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _held_order(tenant_a, placed_minutes_ago=60)

    run_in_every_tenant(RELEASE, only_due=True)

    assert not DueWork.objects.filter(tenant=tenant_a).exists()
    assert run_in_every_tenant(RELEASE, only_due=True) == 0


def test_the_sweep_finds_work_the_index_missed(tenant_a, settings):
    """A restored schema or a write that did not say: the full sweep still releases it."""
    settings.PERIODIC_SWEEP_MINUTES = 60
    order = _held_order(tenant_a, placed_minutes_ago=60)  # no commit here: the index misses it
    assert _due(tenant_a) is None

    run_periodic_work(minute=60 * 1000 + 1)
    assert _status(tenant_a, order) == "pending"

    run_periodic_work(minute=60 * 1000)
    assert _status(tenant_a, order) == "expired"


def test_a_note_keeps_the_earlier_time(tenant_a, django_capture_on_commit_callbacks):
    soon, later = timezone.now(), timezone.now() + dt.timedelta(minutes=10)
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        work_due(RELEASE, later)
        work_due(RELEASE, soon)
        work_due(RELEASE, later)

    assert _due(tenant_a) == soon


def test_notes_of_a_transaction_that_never_commits_note_nothing(tenant_a):
    soon, later = timezone.now(), timezone.now() + dt.timedelta(minutes=10)
    with tenant_context(tenant_a), transaction.atomic():
        work_due(RELEASE, later)
        work_due(RELEASE, soon)
    # (the test's transaction never commits)
    assert _due(tenant_a) is None


def test_a_note_committed_while_a_run_reschedules_is_not_lost(committed):
    """The run locks the index row before asking ``next_due``: an order committed after the
    question waits for that lock and then keeps its earlier time, instead of the run's answer
    (asked before the order existed) overwriting it."""
    tenant = Tenant.objects.get(schema_name="alpha")
    work = indexed_work(RELEASE)
    assert work is not None
    asked = threading.Event()
    noted_at = timezone.now() + dt.timedelta(minutes=1)

    def note_once_asked() -> None:
        asked.wait(10)
        try:
            with tenant_context(tenant), transaction.atomic():
                work_due(RELEASE, noted_at)  # sent on commit: it waits for the run's lock
        finally:
            connection.close()

    def next_due_while_an_order_commits() -> dt.datetime | None:
        asked.set()
        _wait_until_a_statement_waits_for_a_lock()
        return timezone.now() + dt.timedelta(hours=1)

    noter = threading.Thread(target=note_once_asked)
    noter.start()
    try:
        with tenant_context(tenant):
            work_reschedule(replace(work, next_due=next_due_while_an_order_commits))
        noter.join(10)
        assert _due(tenant) == noted_at
    finally:
        asked.set()
        noter.join(10)
        DueWork.objects.filter(tenant=tenant).delete()


def _wait_until_a_statement_waits_for_a_lock() -> None:
    with connections["default"].cursor() as probe:
        for _attempt in range(500):
            # The probe runs inside the run's transaction, which would keep one snapshot.
            probe.execute("SELECT pg_stat_clear_snapshot()")
            probe.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            )
            if probe.fetchone()[0]:
                return
            threading.Event().wait(0.01)
    raise AssertionError("the note never waited for the run's lock")


def test_a_tenant_the_index_names_is_visited_between_sweeps(tenant_a, tenant_b, settings):
    settings.PERIODIC_SWEEP_MINUTES = 60
    order_a = _held_order(tenant_a, placed_minutes_ago=60)
    order_b = _held_order(tenant_b, placed_minutes_ago=60)
    DueWork.objects.create(tenant=tenant_b, task=RELEASE, due_at=timezone.now())

    run_periodic_work(minute=60 * 1000 + 1)

    assert _status(tenant_b, order_b) == "expired"
    assert _status(tenant_a, order_a) == "pending"  # not named, not a sweep: not visited
