"""Two organizers activate different events at the same moment: the database lets one win."""

import datetime as dt
import threading

import psycopg
from django_tenants.utils import tenant_context

from event.models import Event
from tenant.models import Tenant
from tests.processes import database_url_for_children


def test_concurrent_activations_leave_exactly_one_active_event(committed):
    alpha = Tenant.objects.get(schema_name="alpha")
    with tenant_context(alpha):
        first, second = (
            Event.objects.create(
                name=f"Con {n}",
                slug=f"race-{n}",
                start_date=dt.date(2027, 7, 1),
                end_date=dt.date(2027, 7, 2),
            )
            for n in (1, 2)
        )
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def activate(event_id: int) -> None:
        with psycopg.connect(database_url_for_children()) as conn:
            conn.execute("SET search_path = alpha, public")
            barrier.wait()
            try:
                conn.execute("UPDATE event_event SET is_active = true WHERE id = %s", [event_id])
                conn.commit()
                outcomes[event_id] = "activated"
            except psycopg.errors.UniqueViolation:
                outcomes[event_id] = "refused"

    try:
        threads = [threading.Thread(target=activate, args=[e.pk]) for e in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        with tenant_context(alpha):
            active = list(Event.objects.filter(is_active=True).values_list("pk", flat=True))
    finally:
        with tenant_context(alpha):
            Event.objects.filter(pk__in=[first.pk, second.pk]).delete()

    assert sorted(outcomes.values()) == ["activated", "refused"]
    assert len(active) == 1
    assert outcomes[active[0]] == "activated"
