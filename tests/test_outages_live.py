"""What happens when Redis or PostgreSQL blinks, or a worker dies, with the real servers
(issue #24): a Redis and a PostgreSQL of the test's own that it stops and starts, gunicorn,
Celery workers and beat. Each test is bounded: it polls with deadlines, never sleeps."""

from __future__ import annotations

import datetime as dt
import http.client
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
from django_tenants.utils import schema_context, tenant_context

from event.models import Event
from midsummer import celery_app
from register.models import BadgeLevel, Order, Registration
from tenant.models import OutboxMessage, Tenant, User
from tests.factories.tenant import PASSWORD
from tests.processes import (
    BIN,
    ROOT,
    ThrowawayPostgres,
    child_env,
    free_port,
    start_celery_beat,
    start_celery_worker,
    start_gunicorn,
    start_redis,
    stop,
    wait_for,
)
from tests.register.form_data import person_fields

pytestmark = [pytest.mark.server, pytest.mark.worker]

CARD = "4242 4242 4242 4242"
SUBJECT = "Subject: Your Outage Con badge"


class Browser:
    """A browser session on one host of a real server (cookies, the CSRF token)."""

    def __init__(self, port: int, host: str) -> None:
        self.base, self.host = f"http://127.0.0.1:{port}", host
        self.session = requests.Session()

    def get(self, path: str) -> requests.Response:
        return self.session.get(
            self.base + path, headers={"Host": self.host}, allow_redirects=False, timeout=30
        )

    def post(self, path: str, data: dict) -> requests.Response:
        token = {"csrfmiddlewaretoken": self.session.cookies.get("csrftoken", "")}
        return self.session.post(
            self.base + path,
            data=data | token,
            headers={"Host": self.host},
            allow_redirects=False,
            timeout=30,
        )

    def log_in(self, email: str) -> None:
        self.get("/accounts/login/")
        assert self.post("/accounts/login/", {"username": email, "password": PASSWORD}).ok

    def order(self, level: BadgeLevel, submission: str) -> requests.Response:
        register = f"/{level.event.slug}/register/"  # the event's page (a bare one leads on)
        self.get(register)
        form = {
            "attendee-TOTAL_FORMS": 1,
            "attendee-INITIAL_FORMS": 0,
            "provider": "simulated",
            "submission": submission,
            "discount_code": "",
        }
        return self.post(f"{register}?people=1", form | person_fields(0, level))


@pytest.fixture
def outage_con(committed):
    """An active event in alpha with a paid and a free level, and a buyer, all committed."""
    alpha = Tenant.objects.get(schema_name="alpha")
    with schema_context("public"):
        buyer = User.objects.create_user("outage-buyer@example.org", PASSWORD)
    with tenant_context(alpha):
        event = Event.objects.create(
            name="Outage Con",
            slug="outage-con",
            start_date=dt.date(2031, 7, 1),
            end_date=dt.date(2031, 7, 3),
            is_active=True,
        )
        card = BadgeLevel.objects.create(event=event, name="Card", price=Decimal("10.00"))
        free = BadgeLevel.objects.create(event=event, name="Free", price=Decimal("0.00"))
    try:
        yield SimpleNamespace(alpha=alpha, buyer=buyer, event=event, card=card, free=free)
    finally:
        with tenant_context(alpha):
            Registration.objects.filter(event=event).delete()
            Order.objects.filter(event=event).delete()
            BadgeLevel.objects.filter(event=event).delete()
            event.delete()
        with schema_context("public"):
            buyer.delete()


def _orders(con) -> list[tuple[str, str, str]]:
    with tenant_context(con.alpha):
        return list(
            Order.objects.filter(event=con.event)
            .order_by("pk")
            .values_list("reference", "provider", "status")
        )


def _mails(log) -> int:
    return log.read_text().count(SUBJECT)


@pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")
def test_paid_orders_and_their_mail_survive_redis_being_down(outage_con, tmp_path, record_property):
    con = outage_con
    port, queue = free_port(), f"test-{uuid.uuid4().hex}"
    redis_url = f"redis://127.0.0.1:{port}/0"
    broker = {"REDIS_URL": redis_url, "CELERY_QUEUE": queue}
    redis = start_redis(port, tmp_path / "redis.log")
    gunicorn, http_port = start_gunicorn(tmp_path / "gunicorn.log", **broker)
    worker = beat = None
    worker_log = tmp_path / "worker.log"
    try:
        browser = Browser(http_port, "alpha.localhost")
        browser.log_in(con.buyer.email)
        placed = browser.order(con.card, submission="card")
        stop(redis)  # Redis goes away between placing the card order and paying it

        began = time.monotonic()
        paid = browser.post(placed.headers["Location"], {"card_number": CARD})
        payment_seconds = time.monotonic() - began
        order_page = browser.get(paid.headers["Location"])
        free = browser.order(con.free, submission="free")
        free_again = browser.order(con.free, submission="free")  # a retry: same form
        code_lookup = browser.get(f"/{con.event.slug}/register/?code=NOPE")  # Redis's cache too
        owed = list(OutboxMessage.objects.filter(tenant=con.alpha).values_list("pk", "task_name"))

        redis = start_redis(port, tmp_path / "redis.log")
        worker = start_celery_worker(worker_log, redis_url=redis_url, queue=queue)
        beat = start_celery_beat(
            tmp_path / "beat.log",
            redis_url=redis_url,
            queue=queue,
            schedule=tmp_path / "beat-schedule",
            OUTBOX_DRAIN_SECONDS="0.5",
        )
        wait_for(lambda: _mails(worker_log) == 2, timeout=60, what=f"2 mails in {worker_log}")
        wait_for(
            lambda: not OutboxMessage.objects.filter(tenant=con.alpha).exists(),
            timeout=10,
            what="the outbox to empty",
        )
        # As if the drain had republished a message whose first publish reached the broker.
        with celery_app.connection_for_write(redis_url) as connection:
            celery_app.send_task(
                "tenant.deliver",
                args=[owed[0][0]],
                queue=queue,
                connection=connection,
                headers={"_schema_name": "alpha"},
                ignore_result=True,
            )
        wait_for(
            lambda: f"outbox message {owed[0][0]} already delivered" in worker_log.read_text(),
            timeout=30,
            what="the duplicate to be skipped",
        )
        # Redis back: the web process publishes again at once (its broker connection renews).
        later = browser.order(con.free, submission="later")
        wait_for(lambda: _mails(worker_log) == 3, timeout=30, what="the later order's mail")
        web_log = (tmp_path / "gunicorn.log").read_text()
    finally:
        for process in (beat, worker, gunicorn, redis):
            if process is not None:
                stop(process)

    record_property("payment_seconds_with_redis_down", round(payment_seconds, 3))
    assert (placed.status_code, paid.status_code, order_page.status_code) == (302, 302, 200)
    assert payment_seconds < 2, f"the payment took {payment_seconds:.1f} s with Redis down"
    assert "<strong>Paid</strong>" in order_page.text
    assert (free.status_code, free_again.status_code) == (302, 409)
    assert "This form was already sent" in free_again.text
    assert (code_lookup.status_code, code_lookup.headers["Retry-After"]) == (503, "10")
    assert [(provider, status) for _, provider, status in _orders(con)] == [
        ("simulated", "paid"),
        ("free", "paid"),
        ("free", "paid"),
    ]
    assert [task for _, task in owed] == ["register.send_order_confirmation"] * 2
    assert later.status_code == 302
    assert web_log.count("wait for the drain") == 2  # the two publishes while Redis was down
    assert _mails(worker_log) == 3  # one per order: none lost, none twice


def test_worker_killed_mid_task_runs_it_again_and_mails_once(redis_url, committed, tmp_path):
    queue = f"test-{uuid.uuid4().hex}"
    hold = tmp_path / "hold"
    hold.mkdir()
    (hold / "hold").touch()
    worker_log = tmp_path / "worker.log"
    worker = start_celery_worker(worker_log, redis_url=redis_url, queue=queue, pool="prefork")
    try:
        queued = subprocess.run(
            [str(BIN / "python"), "manage.py", "shell", "-c", QUEUE_HELD_MAIL],
            cwd=ROOT,
            env=child_env(REDIS_URL=redis_url, CELERY_QUEUE=queue, HOLD_DIR=str(hold)),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert queued.returncode == 0, queued.stderr
        held = hold / "held"
        wait_for(lambda: held.exists() and held.read_text(), timeout=30, what="the task to hold")

        os.kill(int(held.read_text()), signal.SIGKILL)  # the worker's child, mid-task

        wait_for(
            lambda: "Subject: Held mail" in worker_log.read_text(),
            timeout=60,
            what=f"the mail after the redelivery in {worker_log}",
        )
        wait_for(
            lambda: not OutboxMessage.objects.filter(task_name=HELD_TASK).exists(),
            timeout=10,
            what="the outbox message to be delivered",
        )
    finally:
        stop(worker)

    log = worker_log.read_text()
    runs = (hold / "runs").read_text().split()
    assert len(runs) == 2 and runs[0] != runs[1]  # killed in one child, run again in another
    assert "WorkerLostError" in log
    assert log.count("Subject: Held mail") == 1


HELD_TASK = "sample_app.mail_after_a_hold"
# Runs in a separate web-like process that publishes to Redis (not eagerly), like a server.
QUEUE_HELD_MAIL = f"""
import os
from django.db import transaction
from django_tenants.utils import tenant_context
from tenant.models import Tenant
from tenant.tasks import queue_after_commit

with tenant_context(Tenant.objects.get(schema_name="alpha")), transaction.atomic():
    queue_after_commit("{HELD_TASK}", os.environ["HOLD_DIR"], "held@example.org")
"""


@dataclass
class Answer:
    host: str
    path: str
    started: float
    finished: float
    status: int
    retry_after: str | None
    body: str


class Load:
    """Requests in a loop from a few threads, each answer recorded with its times."""

    TARGETS = [
        ("alpha.localhost", "/"),
        ("beta.localhost", "/"),
        ("alpha.localhost", "/info/alpha-probe/"),  # 404 while the database is there
        ("beta.localhost", "/info/beta-probe/"),
    ]
    NORMAL = {"/": 200, "/info/alpha-probe/": 404, "/info/beta-probe/": 404}

    def __init__(self, port: int, threads: int = 4) -> None:
        self.port = port
        self.answers: list[Answer] = []
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(threads)
        ]

    def _run(self, offset: int) -> None:
        n = offset
        while not self._stop.is_set():
            host, path = self.TARGETS[n % len(self.TARGETS)]
            n += 1
            started = time.monotonic()
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                conn.request("GET", path, headers={"Host": host})
                response = conn.getresponse()
                status, retry_after = response.status, response.getheader("Retry-After")
                body = response.read().decode()
            except (OSError, http.client.HTTPException) as error:
                status, retry_after, body = 0, None, repr(error)  # no answer at all: a failure
            finally:
                conn.close()
            answer = Answer(host, path, started, time.monotonic(), status, retry_after, body)
            self.answers.append(answer)

    def since(self, moment: float) -> list[Answer]:
        return [a for a in list(self.answers) if a.started >= moment]

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def is_normal(self, answer: Answer) -> bool:
        return answer.status == self.NORMAL[answer.path]


def test_postgresql_restart_under_load_answers_503_then_recovers(
    committed, tmp_path, record_property
):
    # Outside pytest's own temporary tree: the server runs as another system user, which must
    # reach its data directory, and pytest keeps ``/tmp/pytest-of-<user>`` private to its owner
    # (and makes it so again whenever another pytest run starts).
    home = Path(tempfile.mkdtemp(prefix="midsummer-outage-"))
    database = ThrowawayPostgres(home / "pg", schemas=["public", "alpha", "beta"])
    log = tmp_path / "gunicorn.log"
    try:
        gunicorn, port = start_gunicorn(log, DATABASE_URL=database.url)
        try:
            with Load(port) as load:
                wait_for(
                    lambda: sum(map(load.is_normal, load.answers)) >= 20,
                    timeout=30,
                    what="the site to be served",
                )
                database.stop()
                stopped = time.monotonic()
                wait_for(
                    lambda: len(load.since(stopped)) >= 12,
                    timeout=15,
                    what="answers while the database is down",
                )
                restarting = time.monotonic()
                database.start()
                started = time.monotonic()
                wait_for(
                    lambda: (
                        len(load.since(started)) >= 12
                        and all(map(load.is_normal, load.answers[-8:]))
                    ),
                    timeout=15,
                    what="the site to recover",
                )
        finally:
            stop(gunicorn)
    finally:
        database.remove()
        shutil.rmtree(home, ignore_errors=True)

    answers = load.answers
    during_gap = [a for a in answers if a.started >= stopped and a.finished <= restarting]
    unavailable = [a for a in answers if a.status == 503]
    after = load.since(started)
    last_failure = max((n for n, a in enumerate(after) if not load.is_normal(a)), default=-1)
    first_served = after[last_failure + 1] if last_failure + 1 < len(after) else None
    recovered_in = first_served.finished - started if first_served else float("inf")
    for name, value in {
        "answers": len(answers),
        "answers_503": len(unavailable),
        "gap_seconds": round(started - stopped, 2),
        "recovered_in_seconds": round(recovered_in, 2),
    }.items():
        record_property(name, value)
    assert {a.status for a in answers} <= {200, 404, 503}  # never a 500
    assert len(during_gap) >= 10
    assert {a.status for a in during_gap} == {503}
    assert {a.retry_after for a in unavailable} == {"10"}
    assert all("<h1>Back in a moment</h1>" in a.body for a in unavailable)
    assert recovered_in < 3, f"recovered {recovered_in:.2f} s after the database was back"
    lines = log.read_text().splitlines()
    for schema in ("alpha", "beta"):
        probe = f"/info/{schema}-probe/"
        logged = [line for line in lines if "django.request: " in line and probe in line]
        # Its own host, and its own schema once resolved: never the previous request's.
        tag = re.compile(rf" \[({schema}|-):{schema}\.localhost\] django\.request: ")
        assert [line for line in logged if not tag.search(line)] == []
        assert any(f"Service Unavailable: {probe}" in line for line in logged)
        assert any(f"Not Found: {probe}" in line for line in logged)
