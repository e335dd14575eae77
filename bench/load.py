"""Load generators, always in a process of their own, aimed only at 127.0.0.1.

``wrk`` is used for page load when it is installed; otherwise (and for the registration rush,
which needs cookies, CSRF and forms) a small asyncio HTTP/1.1 client from the standard library.
Run as ``python -m bench.load page|rush ...``: it prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import secrets
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from bench.stats import percentile

LOOPBACK = "127.0.0.1"


# --- wrk --------------------------------------------------------------------------------------
def wrk_available() -> bool:
    return shutil.which("wrk") is not None


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _to_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"unexpected wrk duration {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> dict:
    """Requests/s, p50/p99 (ms), request count and non-2xx/3xx count from ``wrk --latency``."""
    percentiles = {
        int(p): _to_ms(v) for p, v in re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.M)
    }
    requests = re.search(r"^\s*(\d+) requests in", output, re.M)
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if not (rps and requests and 50 in percentiles and 99 in percentiles):
        raise ValueError(f"could not read wrk output:\n{output}")
    return {
        "tool": "wrk",
        "requests": int(requests.group(1)),
        "rps": float(rps.group(1)),
        "p50_ms": percentiles[50],
        "p99_ms": percentiles[99],
        "non_2xx": int(bad.group(1)) if bad else 0,
        # wrk counts the server closing a finished response as a read error; timeouts count.
        "socket_errors": int(errors.group(1)) + int(errors.group(4)) if errors else 0,
    }


def run_wrk(*, port: int, host: str, path: str, connections: int, seconds: float) -> dict:
    command = [
        "wrk",
        "--latency",
        "-t",
        "1",
        "-c",
        str(connections),
        "-d",
        f"{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-H",
        f"Host: {host}",
        f"http://{LOOPBACK}:{port}{path}",
    ]
    done = subprocess.run(  # noqa: S603 - fixed tool, loopback URL
        command, capture_output=True, text=True, timeout=seconds + 30, check=True
    )
    return parse_wrk(done.stdout)


# --- a minimal asyncio HTTP/1.1 client ------------------------------------------------------------
async def http_request(
    port: int,
    host: str,
    method: str,
    path: str,
    *,
    cookies: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, dict[str, list[str]], bytes]:
    """One request on a fresh connection (gunicorn's sync workers close after each response)."""
    body = urlencode(form).encode() if form is not None else b""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    if cookies:
        lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    if form is not None:
        lines.append("Content-Type: application/x-www-form-urlencoded")
        lines.append(f"Content-Length: {len(body)}")
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    async def exchange() -> tuple[int, dict[str, list[str]], bytes]:
        reader, writer = await asyncio.open_connection(LOOPBACK, port)
        try:
            writer.write(raw)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            status_line, *header_lines = head.decode("latin-1").split("\r\n")
            status = int(status_line.split(" ", 2)[1])
            headers: dict[str, list[str]] = {}
            for line in header_lines:
                if ":" in line:
                    name, value = line.split(":", 1)
                    headers.setdefault(name.strip().lower(), []).append(value.strip())
            length = headers.get("content-length")
            content = await reader.readexactly(int(length[0])) if length else await reader.read()
            return status, headers, content
        finally:
            writer.close()

    return await asyncio.wait_for(exchange(), timeout)


def _latency_report(latencies_ms: list[float], statuses: Counter, elapsed: float) -> dict:
    return {
        "requests": len(latencies_ms),
        "rps": len(latencies_ms) / elapsed if elapsed else 0.0,
        "p50_ms": percentile(latencies_ms, 50),
        "p99_ms": percentile(latencies_ms, 99),
        "statuses": {str(k): v for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0]))},
        "non_2xx": sum(v for k, v in statuses.items() if not (isinstance(k, int) and k < 400)),
        "server_errors": sum(v for k, v in statuses.items() if isinstance(k, int) and k >= 500),
        "elapsed_s": elapsed,
    }


async def page_load(
    *,
    port: int,
    host: str,
    path: str,
    connections: int,
    seconds: float,
    max_requests: int,
    cookies: dict[str, str] | None = None,
) -> dict:
    """``connections`` clients request ``path`` back to back until time or count runs out."""
    latencies: list[float] = []
    worker_ms: list[float] = []
    statuses: Counter = Counter()
    started = time.perf_counter()
    deadline = started + seconds
    issued = 0

    async def client() -> None:
        nonlocal issued
        while time.perf_counter() < deadline and issued < max_requests:
            issued += 1
            t0 = time.perf_counter()
            try:
                status, headers, _ = await http_request(
                    port, host, "GET", path, cookies=cookies, timeout=10
                )
            except (OSError, TimeoutError, asyncio.IncompleteReadError) as error:
                statuses[type(error).__name__] += 1
                continue
            latencies.append((time.perf_counter() - t0) * 1000)
            statuses[status] += 1
            worker_ms.extend(float(v) for v in headers.get("x-bench-ms", [])[:1])

    await asyncio.gather(*(client() for _ in range(connections)))
    report = _latency_report(latencies, statuses, time.perf_counter() - started)
    if worker_ms:  # bench settings' header: time in the worker, without the queueing
        report["worker_ms_mean"] = sum(worker_ms) / len(worker_ms)
        report["worker_ms_p99"] = percentile(worker_ms, 99)
    return report | {"tool": "python-asyncio"}


_CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
_LEVEL_OPTION = re.compile(rb'<option value="(\d+)"')


def _set_cookies(headers: dict[str, list[str]], jar: dict[str, str]) -> None:
    for header in headers.get("set-cookie", []):
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]


async def rush(
    *, port: int, host: str, register: str, sessions: list[str], level_id: int, connections: int
) -> dict:
    """Every attendee loads the register page (CSRF cookie and token), then all buy at once.

    Only the purchase POSTs are timed; ``connections`` of them are in flight at any moment.
    """
    gate = asyncio.Semaphore(connections)
    prepared: list[tuple[dict[str, str], str]] = []

    async def prepare(session_key: str) -> None:
        jar = {"sessionid": session_key}
        async with gate:
            status, headers, content = await http_request(port, host, "GET", register, cookies=jar)
        if status != 200:
            raise RuntimeError(f"GET {register} answered {status}")
        _set_cookies(headers, jar)
        token = _CSRF_FIELD.search(content)
        if token is None or str(level_id).encode() not in _LEVEL_OPTION.findall(content):
            raise RuntimeError("the register page has no CSRF token or not the rush level")
        prepared.append((jar, token.group(1).decode()))

    await asyncio.gather(*(prepare(key) for key in sessions))

    latencies: list[float] = []
    statuses: Counter = Counter()
    finished_ok: list[float] = []
    statements: list[int] = []  # SQL per successful purchase (bench settings' header)
    # Per response, from the bench middleware: time in the worker (wall, CPU), time in row-lock
    # statements, and the rest of the client's latency (queued for a worker), by outcome.
    inside: dict[str, dict[str, list[float]]] = {}

    async def buy(index: int, jar: dict[str, str], token: str) -> None:
        form = {
            "csrfmiddlewaretoken": token,
            "attendee-TOTAL_FORMS": "1",
            "attendee-INITIAL_FORMS": "0",
            "attendee-MIN_NUM_FORMS": "0",
            "attendee-MAX_NUM_FORMS": "6",
            "attendee-0-level": str(level_id),
            "attendee-0-legal_name": f"Rush Attendee {index}",
            "attendee-0-badge_name": f"Rusher {index}",
            "attendee-0-birthdate": "1990-05-17",
            "attendee-0-email": f"rush{index}@example.org",
            "attendee-0-phone": "+1 215 555 0100",
            "attendee-0-emergency_contact": "Sam +1 215 555 0101",
            "discount_code": "",
            "provider": "door",
            "submission": secrets.token_urlsafe(16),
        }
        async with gate:
            t0 = time.perf_counter()
            try:
                status, headers, _ = await http_request(
                    port, host, "POST", register, cookies=jar, form=form, timeout=60
                )
            except (OSError, TimeoutError, asyncio.IncompleteReadError) as error:
                statuses[type(error).__name__] += 1
                return
            latency = (time.perf_counter() - t0) * 1000
            latencies.append(latency)
            statuses[status] += 1
            if status == 302:
                finished_ok.append(time.perf_counter())
                statements.extend(int(v) for v in headers.get("x-bench-sql", [])[:1])
            if "x-bench-ms" in headers:
                worker_ms = float(headers["x-bench-ms"][0])
                outcome = "bought" if status == 302 else str(status)
                for name, value in (
                    ("worker_ms", worker_ms),
                    ("cpu_ms", float(headers["x-bench-cpu-ms"][0])),
                    ("lock_ms", float(headers["x-bench-lock-ms"][0])),
                    ("queued_ms", max(latency - worker_ms, 0.0)),
                ):
                    for bucket in (outcome, "all"):
                        inside.setdefault(bucket, {}).setdefault(name, []).append(value)

    started = time.perf_counter()
    await asyncio.gather(*(buy(i, jar, token) for i, (jar, token) in enumerate(prepared)))
    elapsed = time.perf_counter() - started
    report = _latency_report(latencies, statuses, elapsed)
    last_ok = (max(finished_ok) - started) if finished_ok else elapsed
    return report | {
        "attendees": len(prepared),
        "accepted": len(finished_ok),
        "accepted_per_s": len(finished_ok) / last_ok if last_ok else 0.0,
        "sql_per_purchase": sorted(statements)[len(statements) // 2] if statements else None,
        "inside": {
            outcome: {
                name: {
                    "n": len(values),
                    "mean": sum(values) / len(values),
                    "p50": percentile(values, 50),
                    "p99": percentile(values, 99),
                    "max": max(values),
                }
                for name, values in figures.items()
            }
            for outcome, figures in inside.items()
        },
        "tool": "python-asyncio",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("mode", choices=["page", "rush"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", required=True)
    parser.add_argument("--path", default="/bench/page/")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--cookie", action="append", default=[], help="page: NAME=VALUE")
    parser.add_argument("--spec", type=Path, help="rush: JSON with sessions and level_id")
    args = parser.parse_args(argv)
    if args.mode == "page":
        result = asyncio.run(
            page_load(
                port=args.port,
                host=args.host,
                path=args.path,
                connections=args.connections,
                seconds=args.seconds,
                max_requests=args.max_requests,
                cookies=dict(c.split("=", 1) for c in args.cookie),
            )
        )
    else:
        spec = json.loads(args.spec.read_text())
        result = asyncio.run(
            rush(
                port=args.port,
                host=args.host,
                register=spec["register"],
                sessions=spec["sessions"],
                level_id=spec["level_id"],
                connections=args.connections,
            )
        )
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def rush_client_main(argv: list[str] | None, *, prog: str, rush_of: Callable) -> int:
    """The command line of a scenario's load client (``python -m bench.<scenario>``): runs
    ``rush_of(port=, host=, sessions=, spec=, connections=)`` and prints its JSON result."""
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", required=True)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--spec", type=Path, required=True, help="JSON: the sessions and targets")
    args = parser.parse_args(argv)
    spec = json.loads(args.spec.read_text())
    result = asyncio.run(
        rush_of(
            port=args.port,
            host=args.host,
            sessions=spec["sessions"],
            spec=spec,
            connections=args.connections,
        )
    )
    json.dump(result, sys.stdout)
    return 0
