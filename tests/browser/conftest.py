"""Browser tests: Playwright's driver with the system Chromium (Debian's ``chromium``), and
axe-core from the npm registry injected into the pages.

Without Chromium (or npm for axe-core) these tests skip with the reason — except under CI
(env ``CI`` set), where they fail: CI must run them (``.ci/run`` installs Chromium)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.processes import ROOT

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
AXE = ROOT / ".node" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-proxy-server",
]


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: browser tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def axe_path() -> Path:
    """axe-core's script, installed from npm into the git-ignored .node/ on first use."""
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm is None:
            _unavailable("npm is not installed, so axe-core cannot be fetched")
        subprocess.run(  # noqa: S603 - fixed arguments
            [
                npm,
                "install",
                "--prefix",
                str(ROOT / ".node"),
                "axe-core@4",
                "--no-audit",
                "--no-fund",
                "--silent",
            ],
            check=True,
            timeout=300,
        )
    return AXE


@pytest.fixture(scope="session")
def chromium_available() -> Path:
    if not CHROMIUM.exists():
        _unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium chromium-driver)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the playwright package is not installed")
    return CHROMIUM


@pytest.fixture
def browser(chromium_available, monkeypatch):
    """A fresh headless Chromium (new profile each time) via Playwright's driver.

    Request it after fixtures that use the database: Playwright's sync API switches greenlets,
    and ORM calls made inside its context would open a connection that outlives the test."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
    # under one unless told it is fine (this test thread is not serving async code).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
