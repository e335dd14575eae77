"""A private PgBouncer (Debian's ``pgbouncer``) in transaction pooling mode, for the tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.processes import database_url_for_children, free_port, wait_for

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


def require_pgbouncer() -> None:
    """Skip without PgBouncer, with the reason; under CI (env ``CI`` set) fail: CI must run
    these tests (``.ci/run`` installs it the way it installs Chromium)."""
    if Path(PGBOUNCER).is_file():
        return
    reason = "pgbouncer is not installed (apt-get install pgbouncer)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the PgBouncer tests must run)")
    pytest.skip(reason)


CONFIG = """\
[databases]
* = host={host} port={port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {listen_port}
unix_socket_dir =
auth_type = trust
auth_file = {auth_file}
pool_mode = transaction
default_pool_size = {pool_size}
max_client_conn = 500
logfile = {logfile}
pidfile = {pidfile}
"""


class PgBouncer:
    def __init__(self, process: subprocess.Popen, port: int, workdir: Path, user: str) -> None:
        self.process, self.port, self.workdir, self.user = process, port, workdir, user

    def url(self, dbname: str) -> str:
        return f"postgres://{self.user}@127.0.0.1:{self.port}/{dbname}"

    @property
    def log(self) -> str:
        path = self.workdir / "pgbouncer.log"
        return path.read_text() if path.exists() else ""

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)


def start_pgbouncer(*, host: str, port: int | str, user: str, pool_size: int = 2) -> PgBouncer:
    """PgBouncer on a free loopback port in front of ``host:port``, ``pool_mode = transaction``
    with ``pool_size`` server connections per database and user; trusted like the server here."""
    require_pgbouncer()
    # Outside pytest's 0700 temporary directories: run as root, PgBouncer drops to `postgres`.
    workdir = Path(tempfile.mkdtemp(prefix="midsummer-pgbouncer-"))
    workdir.chmod(0o777)  # noqa: S103 - a throwaway directory the dropped-privilege process writes
    auth_file = workdir / "userlist.txt"
    auth_file.write_text(f'"{user}" ""\n')
    listen_port = free_port()
    ini = workdir / "pgbouncer.ini"
    ini.write_text(
        CONFIG.format(
            host=host,
            port=port,
            listen_port=listen_port,
            auth_file=auth_file,
            pool_size=pool_size,
            logfile=workdir / "pgbouncer.log",
            pidfile=workdir / "pgbouncer.pid",
        )
    )
    for path in (auth_file, ini):
        path.chmod(0o644)
    as_root = os.geteuid() == 0
    process = subprocess.Popen(  # noqa: S603 - the system's pgbouncer, our own config
        [PGBOUNCER, *(["-u", "postgres"] if as_root else []), str(ini)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )

    def listening() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"pgbouncer exited: {(workdir / 'pgbouncer.log').read_text()}")
        try:
            socket.create_connection(("127.0.0.1", listen_port), timeout=0.2).close()
            return True
        except OSError:
            return False

    wait_for(listening, timeout=10, what="pgbouncer")
    return PgBouncer(process, listen_port, workdir, user)


def pooled_env(bouncer: PgBouncer, dbname: str, *, pinned: bool = True) -> dict[str, str]:
    """Environment for a Midsummer process that reaches the database through ``bouncer``:
    ``DATABASE_URL`` pooled, ``DATABASE_DIRECT_URL`` straight to PostgreSQL (the listener)."""
    return {
        "DATABASE_URL": bouncer.url(dbname),
        "DATABASE_DIRECT_URL": database_url_for_children(),
        "DATABASE_TRANSACTION_POOLING": "1" if pinned else "0",
    }
