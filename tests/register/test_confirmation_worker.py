"""The confirmation mail comes from a real Celery worker, after commit, never after a rollback."""

import subprocess
import time
import uuid

from django_tenants.utils import schema_context, tenant_context

from event.models import Event
from register.models import Order, Registration
from tenant.models import Tenant, User
from tests.processes import BIN, ROOT, child_env, start_celery_worker, stop, wait_for

# Runs in a separate web-like process that queues to Redis (not eagerly), like a real server.
SCENARIO = """
import datetime as dt
from django.db import transaction
from django_tenants.utils import tenant_context
from event.models import Event
from register.models import BadgeLevel
from register.services import order_mark_paid, order_place
from tenant.models import Tenant, User
from tests.factories.register import attendee

buyer = User.objects.create_user("worker-buyer@example.org", None)
with tenant_context(Tenant.objects.get(schema_name="alpha")):
    event = Event.objects.create(
        name="Worker Con", slug="worker-con",
        start_date=dt.date(2027, 7, 1), end_date=dt.date(2027, 7, 2),
    )
    level = BadgeLevel.objects.create(event=event, name="Attendee", price="10.00")

    def buy(email):
        order = order_place(event=event, account=buyer, provider="door",
                            attendees=[attendee(level, email=email)])
        order_mark_paid(order_id=order.pk, amount=order.total)

    with transaction.atomic():
        buy("committed@example.org")
    try:
        with transaction.atomic():
            buy("rolledback@example.org")
            raise RuntimeError("something failed after payment, before commit")
    except RuntimeError:
        pass
print("scenario done")
"""


def test_confirmation_is_mailed_by_the_worker_after_commit_only(redis_url, committed, tmp_path):
    queue = f"test-{uuid.uuid4().hex}"
    worker_log = tmp_path / "worker.log"
    worker = start_celery_worker(worker_log, redis_url=redis_url, queue=queue)
    try:
        scenario = subprocess.run(  # noqa: S603
            [str(BIN / "python"), "manage.py", "shell", "-c", SCENARIO],
            cwd=ROOT,
            env=child_env(REDIS_URL=redis_url, CELERY_QUEUE=queue),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert scenario.returncode == 0, scenario.stderr
        wait_for(
            lambda: b"Subject: Your Worker Con badge" in worker_log.read_bytes(),
            timeout=30,
            what=f"the confirmation mail in {worker_log}",
        )
        time.sleep(1)  # room for a mail that must not come
        log = worker_log.read_text()
    finally:
        stop(worker)
        alpha = Tenant.objects.get(schema_name="alpha")
        with tenant_context(alpha):
            Registration.objects.filter(event__slug="worker-con").delete()
            Order.objects.filter(event__slug="worker-con").delete()
            Event.objects.filter(slug="worker-con").delete()
        with schema_context("public"):
            User.objects.filter(email="worker-buyer@example.org").delete()

    assert "To: committed@example.org" in log
    assert "Content-Type: image/png" in log  # the QR code
    assert "rolledback@example.org" not in log
    assert log.count("Subject: Your Worker Con badge") == 1
