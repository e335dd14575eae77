"""Run real Midsummer processes (gunicorn, Celery) against the test database."""

from __future__ import annotations

import http.client
import os
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


def start_gunicorn(log_path: Path, *, workers: int = 2) -> tuple[subprocess.Popen, int]:
    """A real gunicorn serving Midsummer on a free loopback port, once it answers."""
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


def start_celery_worker(log_path: Path, *, redis_url: str, queue: str) -> subprocess.Popen:
    """A real Celery worker on ``queue`` of the given Redis, once it is ready."""
    process = start(
        [
            str(BIN / "celery"),
            "-A",
            "midsummer",
            "worker",
            "--pool=solo",
            "--queues",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],
        log_path,
        REDIS_URL=redis_url,
        CELERY_QUEUE=queue,
    )
    try:
        wait_for(lambda: b"ready." in log_path.read_bytes(), timeout=30, what=f"worker: {log_path}")
    except AssertionError:
        stop(process)
        raise
    return process


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
