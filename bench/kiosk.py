"""Scenario 8 (``--only kiosk``): the door rush. ``DEVICES`` scanning devices, each an
enrolled OAuth client with its own bearer token, redeem ``PER_DEVICE`` badges each as fast as
they can over HTTP, and every tenth scan is sent twice with the same nonce (a device retrying
after a lost answer). Checked: every badge checked in exactly once, retries answered with the
same check-in, no 5xx. Reported: the redeem p99 against the plain page's p99 in the same run."""

from __future__ import annotations

import base64
import http.client
import json
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

from bench.load import LOOPBACK
from bench.stats import Row, against_page_p99, percentile, summarize

DEVICES = 20
PER_DEVICE = 100
RETRY_EVERY = 10  # every tenth scan is sent again with the same nonce
REDEEM_PATH = "/kiosk/api/redeem/"


def prepare(schema: str, *, devices: int = DEVICES, per_device: int = PER_DEVICE) -> dict:
    """In the bench tenant (its active event exists): ``devices × per_device`` paid badges
    (written in bulk: this is setup, not what is measured) and one enrolled OAuth client per
    device. Returns the badges' tokens per device and each client's credentials."""
    from django.db.models import Max
    from django_tenants.utils import schema_context

    from event.models import Event
    from kiosk.models import Device
    from register.models import BadgeLevel, Order, Registration
    from tenant.models import Application, Tenant, User

    tenant = Tenant.objects.get(schema_name=schema)
    with schema_context("public"):
        # The API scenario prepares badges here too: the buyer is shared, each call's level is new.
        buyer = User.objects.filter(email="door-rush@bench.localhost").first()
        buyer = buyer or User.objects.create_user("door-rush@bench.localhost", None)
    clients = []
    for n in range(devices):
        secret = secrets.token_urlsafe(24)
        app = Application.objects.create(
            tenant=tenant,
            name=f"Door scanner {n}",
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
            client_secret=secret,
        )
        clients.append((app.client_id, secret, app.pk))
    with schema_context(schema):
        event = Event.objects.get(is_active=True)
        level = BadgeLevel.objects.create(
            event=event, name=f"Door rush {secrets.token_hex(3)}", price=Decimal("0")
        )
        Device.objects.bulk_create(
            Device(name=f"Door scanner {n}", application_id=pk)
            for n, (_id, _secret, pk) in enumerate(clients)
        )
        total = devices * per_device
        # Each call (each door-rush run, the API scenario) adds badges after the last one.
        highest = Registration.objects.filter(event=event).aggregate(n=Max("badge_number"))["n"]
        first_number = max(100_000, (highest or 0) + 1)
        orders = Order.objects.bulk_create(
            Order(
                event=event,
                reference=f"DR{secrets.token_hex(6).upper()}",
                account_id=buyer.pk,
                status=Order.Status.PAID,
                provider=Order.Provider.FREE,
                currency="USD",
                subtotal=Decimal("0"),
                discount_total=Decimal("0"),
                total=Decimal("0"),
            )
            for n in range(total)
        )
        registrations = Registration.objects.bulk_create(
            Registration(
                order=order,
                event=event,
                level=level,
                price=Decimal("0"),
                legal_name=f"Rush Person {n}",
                badge_name=f"Rush {n}",
                birthdate="1990-01-01",
                email=f"rush{n}@bench.localhost",
                phone="0",
                emergency_contact="0",
                badge_number=first_number + n,
            )
            for n, order in enumerate(orders)
        )
    tokens = [r.checkin_token for r in registrations]
    return {
        "clients": [(client_id, secret) for client_id, secret, _pk in clients],
        "tokens": [tokens[d * per_device : (d + 1) * per_device] for d in range(devices)],
        "level": level.pk,
    }


def bearer_token(port: int, host: str, client_id: str, secret: str, scope: str = "") -> str:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=30)
    try:
        conn.request(
            "POST",
            "/o/token/",
            body="grant_type=client_credentials" + (f"&scope={scope}" if scope else ""),
            headers={
                "Host": host,
                "Authorization": f"Basic {basic}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"/o/token/ answered {response.status}: {body[:200]!r}")
        return json.loads(body)["access_token"]
    finally:
        conn.close()


def _redeem(port: int, host: str, token: str, body: dict) -> tuple[int, dict, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=30)
    try:
        conn.request(
            "POST",
            REDEEM_PATH,
            body=json.dumps(body),
            headers={
                "Host": host,
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
            },
        )
        response = conn.getresponse()
        raw = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        try:
            answer = json.loads(raw)
        except ValueError:
            answer = {}
        return response.status, answer, elapsed
    finally:
        conn.close()


def rush(*, port: int, host: str, prepared: dict) -> dict:
    """Every device at once, each redeeming its badges in turn; returns the figures."""
    bearers = [bearer_token(port, host, cid, secret) for cid, secret in prepared["clients"]]
    statuses: Counter = Counter()
    latencies: list[float] = []
    mismatched_retries = [0]
    lock = threading.Lock()
    barrier = threading.Barrier(len(bearers))

    def device(index: int) -> None:
        barrier.wait()
        for n, badge in enumerate(prepared["tokens"][index]):
            body = {"secret": badge, "nonce": f"d{index}-{n}", "type": "entry"}
            status, answer, ms = _redeem(port, host, bearers[index], body)
            seen = [(status, ms)]
            if n % RETRY_EVERY == 0:
                again, retry, retry_ms = _redeem(port, host, bearers[index], body)
                seen.append((again, retry_ms))
                if again != 200 or retry.get("checkin") != answer.get("checkin"):
                    with lock:
                        mismatched_retries[0] += 1
            with lock:
                for code, took in seen:
                    statuses[code] += 1
                    latencies.append(took)

    threads = [threading.Thread(target=device, args=(i,)) for i in range(len(bearers))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "requests": sum(statuses.values()),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "server_errors": sum(v for k, v in statuses.items() if k >= 500),
        "mismatched_retries": mismatched_retries[0],
        "rps": sum(statuses.values()) / elapsed,
        "p50_ms": percentile(latencies, 50),
        "p99_ms": percentile(latencies, 99),
        "elapsed_s": elapsed,
    }


def checked_in(schema: str, prepared: dict) -> dict:
    """What the database holds after the rush: check-ins, and badges checked in more than once."""
    from django.db.models import Count
    from django_tenants.utils import schema_context

    from kiosk.models import CheckIn

    with schema_context(schema):
        rows = CheckIn.objects.filter(registration__level_id=prepared["level"])
        per_badge = rows.values("registration").annotate(n=Count("pk"))
        return {
            "checkins": rows.count(),
            "badges": per_badge.count(),
            "twice": per_badge.filter(n__gt=1).count(),
        }


def scenario(
    *,
    schema: str,
    port: int,
    host: str,
    page_path: str,
    load: Callable[[str], dict],
    repeats: int,
    log: Callable[[str], None],
) -> dict:
    """The rush once per repeat (fresh badges each time), each followed by a load run of the
    plain page on the same server."""
    out: dict = {"runs": [], "page": []}
    for _run in range(repeats):
        prepared = prepare(schema)  # fresh badges: a badge is let in only once
        result = rush(port=port, host=host, prepared=prepared)
        result |= checked_in(schema, prepared)
        result["expected"] = sum(len(t) for t in prepared["tokens"])
        out["runs"].append(result)
        log(
            f"  door rush: {result['requests']} requests, {result['rps']:.1f} req/s, p50 "
            f"{result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, statuses "
            f"{result['statuses']}, {result['badges']}/{result['expected']} badges in, "
            f"{result['twice']} twice, retries answered differently {result['mismatched_retries']}"
        )
        page = load(page_path)
        out["page"].append(page)
        log(f"  plain page p99 {page['p99_ms']:.1f} ms, non-2xx {page['non_2xx']}")
    return out


def rows(results: dict) -> list[Row]:
    runs, pages = results["runs"], results["page"]
    correct = all(
        r["badges"] == r["expected"]
        and r["checkins"] == r["expected"]
        and r["twice"] == 0
        and r["server_errors"] == 0
        and r["mismatched_retries"] == 0
        for r in runs
    )
    p99 = summarize([r["p99_ms"] for r in runs])
    page_p99 = summarize([p["p99_ms"] for p in pages])
    return [
        Row(
            f"8 door rush, {DEVICES} devices × {PER_DEVICE} badges",
            "every badge in once, retries answered alike, no 5xx",
            summarize([r["badges"] for r in runs]),
            None,
            "",
            "badges",
            None,
            "each badge once, no 5xx",
            correct,
            notes="; ".join(f"{r['checkins']} check-ins, statuses {r['statuses']}" for r in runs),
        ),
        against_page_p99(
            f"8 door rush, {DEVICES} devices × {PER_DEVICE} badges",
            "redeem p99",
            p99,
            page_p99,
            notes="throughput "
            + ", ".join(f"{r['rps']:.0f} req/s" for r in runs)
            + f"; 1 in {RETRY_EVERY} scans retried with the same nonce",
        ),
    ]
