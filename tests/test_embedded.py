"""The embedded servers of dev mode (``make status``, ``make stop``, ``make clean-data``)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from midsummer.embedded import (
    _pid_alive,
    embedded_postgres_settings,
    running_services,
    start_embedded_redis,
)
from tests.processes import ROOT

pytestmark = pytest.mark.slow


def _embedded(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "midsummer" / "embedded.py"), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_stop_ends_the_embedded_servers_and_clean_data_waits_for_it(tmp_path):
    data = tmp_path / "data"
    embedded_postgres_settings(data)
    start_embedded_redis(data / "redis")
    running = running_services(data)

    refused = _embedded("check-stopped", str(data))
    stopped = _embedded("stop", str(data))
    allowed = _embedded("check-stopped", str(data))

    assert sorted(running) == ["postgresql (postgres)", "redis (redis)"]
    assert refused.returncode == 1 and "make stop" in refused.stdout
    assert stopped.returncode == 0
    assert not any(_pid_alive(pid) for pid in running.values())
    assert allowed.returncode == 0 and "nothing runs" in allowed.stdout
