import os
import time
from pathlib import Path

from celery import shared_task
from django.core.mail import send_mail

from tests.sample_app.models import Volunteer


@shared_task(name="sample_app.count_volunteers")
def count_volunteers() -> int:
    return Volunteer.objects.count()


@shared_task(name="sample_app.backend_pid")
def backend_pid() -> int:
    """The PostgreSQL backend serving this task's connection."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@shared_task(name="sample_app.set_shirt_size")
def set_shirt_size(volunteer_id: int, size: str) -> None:
    """A task that writes in the schema it runs in (the outbox tests)."""
    Volunteer.objects.filter(pk=volunteer_id).update(shirt_size=size)


@shared_task(name="sample_app.fail")
def fail(reason: str) -> None:
    raise RuntimeError(reason)


@shared_task(name="sample_app.mail_after_a_hold")
def mail_after_a_hold(hold_dir: str, to: str) -> int:
    """Mail ``to``; but the first run to find ``hold_dir/hold`` takes it, writes its pid to
    ``hold_dir/held`` and waits there (for a test to kill its worker) before mailing. Every
    run is noted in ``hold_dir/runs``."""
    hold = Path(hold_dir)
    with (hold / "runs").open("a") as runs:
        runs.write(f"{os.getpid()}\n")
    try:
        (hold / "hold").rename(hold / "held")
    except FileNotFoundError:
        pass  # not the first run
    else:
        (hold / "held").write_text(str(os.getpid()))
        deadline = time.monotonic() + 60  # a test that forgot to kill it must not hang forever
        while time.monotonic() < deadline:
            time.sleep(0.05)
    return send_mail("Held mail", "Delivered once.", None, [to])
