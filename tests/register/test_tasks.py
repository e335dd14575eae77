import datetime as dt

from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from register.models import Order
from register.services import order_place
from tenant.tasks import run_in_every_tenant
from tests.factories.event import EventFactory
from tests.factories.register import BadgeLevelFactory, attendee
from tests.factories.tenant import UserFactory


def _lapsed_order(tenant, buyer) -> Order:
    with tenant_context(tenant):
        level = BadgeLevelFactory(event=EventFactory())
        return order_place(
            event=level.event,
            account=buyer,
            attendees=[attendee(level)],
            provider="simulated",
            now=timezone.now() - dt.timedelta(hours=1),
        )


def test_periodic_release_reaches_every_tenant(tenant_a, tenant_b):
    buyer = UserFactory()
    in_a, in_b = _lapsed_order(tenant_a, buyer), _lapsed_order(tenant_b, buyer)

    queued = run_in_every_tenant("register.release_expired_holds")

    with tenant_context(tenant_a):
        status_a = Order.objects.get(pk=in_a.pk).status
    with tenant_context(tenant_b):
        status_b = Order.objects.get(pk=in_b.pk).status
    assert queued == 2
    assert (status_a, status_b) == ("expired", "expired")


def test_one_tenants_failing_task_does_not_stop_the_others(tenant_a, tenant_b):
    buyer = UserFactory()
    in_b = _lapsed_order(tenant_b, buyer)
    with tenant_context(tenant_a), connection.cursor() as cursor:
        # Break alpha for this test only: its orders table is gone.
        cursor.execute("ALTER TABLE alpha.register_order RENAME TO register_order_gone")

    queued = run_in_every_tenant("register.release_expired_holds")

    with tenant_context(tenant_b):
        status_b = Order.objects.get(pk=in_b.pk).status
    assert queued == 1
    assert status_b == "expired"
