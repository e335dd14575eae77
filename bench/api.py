"""Scenario 12 (``--only api``): integrations syncing over the REST API. ``CLIENTS`` sync
clients (each an OAuth client with its own bearer token, ``registrations:read``) page through
the same ``BADGES`` paid registrations at once, ``PAGE_SIZE`` a page, following the cursor's
``next``; then each asks for its first page again with the ETag it was given, ``RECHECKS``
times (what a client polling for changes does). Checked: every client saw every badge exactly
once, the re-checks were all 304, no 5xx. Reported: the page p99 and the 304 p99 against the
plain page's p99 measured right after on the same server, and the rows per second of one sync.

Run by ``python -m bench --only api``."""

from __future__ import annotations

import http.client
import json
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from urllib.parse import urlsplit

from bench.kiosk import bearer_token
from bench.kiosk import prepare as badges_prepare
from bench.load import LOOPBACK
from bench.stats import Row, against_page_p99, percentile, summarize

CLIENTS = 10
BADGES = 5_000
PAGE_SIZE = 500
RECHECKS = 20
LIST_PATH = "/api/v1/registrations/"


def prepare(schema: str) -> dict:
    """``BADGES`` paid badges at a level of their own (in bulk: setup, not measured) and
    ``CLIENTS`` integrations given ``registrations:read``."""
    from tenant.models import Application, Tenant

    badges = badges_prepare(schema, devices=1, per_device=BADGES)
    tenant = Tenant.objects.get(schema_name=schema)
    clients = []
    for n in range(CLIENTS):
        secret = secrets.token_urlsafe(24)
        app = Application.objects.create(
            tenant=tenant,
            name=f"Sync client {n}",
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
            client_secret=secret,
            api_scopes="registrations:read",
        )
        clients.append((app.client_id, secret))
    return {"clients": clients, "level": badges["level"]}


def _get(port: int, host: str, token: str, target: str, etag: str = "") -> tuple[int, bytes, str]:
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=60)
    headers = {"Host": host, "Authorization": f"Bearer {token}", "Accept": "application/json"}
    if etag:
        headers["If-None-Match"] = etag
    try:
        conn.request("GET", target, headers=headers)
        response = conn.getresponse()
        return response.status, response.read(), response.getheader("ETag") or ""
    finally:
        conn.close()


def sync(*, port: int, host: str, prepared: dict) -> dict:
    """Every client syncs at once, then re-checks its first page; returns the figures."""
    bearers = [
        bearer_token(port, host, cid, secret, scope="registrations:read")
        for cid, secret in prepared["clients"]
    ]
    first = f"{LIST_PATH}?level={prepared['level']}&page_size={PAGE_SIZE}"
    statuses: Counter = Counter()
    page_ms: list[float] = []
    recheck_ms: list[float] = []
    sync_s: list[float] = []
    seen: list[tuple[int, int]] = []  # (rows, distinct ids) per client
    lock = threading.Lock()
    barrier = threading.Barrier(len(bearers))

    def client(index: int) -> None:
        token = bearers[index]
        ids: list[int] = []
        barrier.wait()
        began = time.perf_counter()
        target, first_etag = first, ""
        while target:
            started = time.perf_counter()
            status, body, etag = _get(port, host, token, target)
            took = (time.perf_counter() - started) * 1000
            with lock:
                statuses[status] += 1
                page_ms.append(took)
            if status != 200:
                break
            page = json.loads(body)
            first_etag = first_etag or etag
            ids += [row["id"] for row in page["results"]]
            following = urlsplit(page.get("next") or "")
            target = f"{following.path}?{following.query}" if following.path else ""
        took_s = time.perf_counter() - began
        for _ in range(RECHECKS):
            started = time.perf_counter()
            status, _body, _etag = _get(port, host, token, first, etag=first_etag)
            with lock:
                statuses[status] += 1
                recheck_ms.append((time.perf_counter() - started) * 1000)
        with lock:
            sync_s.append(took_s)
            seen.append((len(ids), len(set(ids))))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(bearers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "server_errors": sum(v for k, v in statuses.items() if k >= 500),
        "not_modified": statuses.get(304, 0),
        "rows": [rows for rows, _distinct in seen],
        "distinct": [distinct for _rows, distinct in seen],
        "page_p50_ms": percentile(page_ms, 50),
        "page_p99_ms": percentile(page_ms, 99),
        "recheck_p99_ms": percentile(recheck_ms, 99),
        "sync_s": max(sync_s) if sync_s else float("nan"),
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
    """The sync once per repeat (the same badges), each followed by a load run of the plain
    page on the same server."""
    prepared = prepare(schema)
    out: dict = {"runs": [], "page": []}
    for _run in range(repeats):
        result = sync(port=port, host=host, prepared=prepared)
        out["runs"].append(result)
        log(
            f"  api sync: {CLIENTS} clients × {BADGES} badges, slowest sync "
            f"{result['sync_s']:.2f} s, page p50 {result['page_p50_ms']:.1f} ms, p99 "
            f"{result['page_p99_ms']:.1f} ms, 304 p99 {result['recheck_p99_ms']:.1f} ms, "
            f"statuses {result['statuses']}, rows seen {sorted(set(result['distinct']))}"
        )
        page = load(page_path)
        out["page"].append(page)
        log(f"  plain page p99 {page['p99_ms']:.1f} ms, non-2xx {page['non_2xx']}")
    return out


def rows(results: dict) -> list[Row]:
    runs, pages = results["runs"], results["page"]
    correct = all(
        set(r["rows"]) == {BADGES}
        and set(r["distinct"]) == {BADGES}
        and r["not_modified"] == CLIENTS * RECHECKS
        and r["server_errors"] == 0
        for r in runs
    )
    page_p99 = summarize([p["p99_ms"] for p in pages])
    name = f"12 API sync, {CLIENTS} clients × {BADGES:,} badges"
    return [
        Row(
            name,
            "every badge seen once by every client, re-checks 304, no 5xx",
            summarize([min(r["distinct"]) for r in runs]),
            None,
            "",
            "badges",
            None,
            "each badge once, no 5xx",
            correct,
            notes="; ".join(f"statuses {r['statuses']}" for r in runs),
        ),
        against_page_p99(
            name,
            f"page p99 ({PAGE_SIZE} a page)",
            summarize([r["page_p99_ms"] for r in runs]),
            page_p99,
            notes="slowest full sync "
            + ", ".join(f"{r['sync_s']:.2f} s" for r in runs)
            + f" ({BADGES * CLIENTS / max(r['sync_s'] for r in runs):,.0f} rows/s in all)",
        ),
        against_page_p99(
            name,
            "unchanged first page, 304 p99",
            summarize([r["recheck_p99_ms"] for r in runs]),
            page_p99,
            notes="the ETag is of the rendered answer: the server still reads the page",
        ),
    ]
