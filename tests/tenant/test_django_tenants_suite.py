"""django-tenants' own test suite (its ``dts_test_project``) run with our backend as the engine.

Fetched at test time from the source distribution of the installed version (``pip download
--no-binary :all:``), never copied into this repository; the project's settings are kept and
only ``ENGINE`` is swapped for ``midsummer.postgresql_backend``. Every test must pass but the
documented exceptions below (issue #22).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import uuid
from importlib.metadata import version
from pathlib import Path

import pytest
from django.db import connection

from tests.processes import ROOT

pytestmark = pytest.mark.slow

EXPECTED_FAILURES = {
    # Counts statements: stock django-tenants sends `SET search_path` for the first query after
    # every set_tenant(); ours only when the path differs from the one the connection has (the
    # point of our backend), so one SET fewer is counted. Our own
    # tests/tenant/test_limit_set_calls.py checks that the switch still happens.
    "test_switching_search_path (django_tenants.tests.test_tenants.TenantDataAndSettingsTest"
    ".test_switching_search_path)",
    # Fails with the stock backend as well (django-tenants 4.0.1, this machine): it counts the
    # tenants all_tenants_command visits and finds those other test cases of the suite left
    # behind (4 or 3 instead of 2, depending on the order). Not about the search_path.
    "test_arguments_are_passed_to_the_wrapped_command (django_tenants.tests.test_commands"
    ".AllTenantsCommandTestCase.test_arguments_are_passed_to_the_wrapped_command)",
}

SETTINGS_OVERLAY = """\
from dts_test_project.settings import *  # noqa: F403

DATABASES["default"]["ENGINE"] = "midsummer.postgresql_backend"  # noqa: F405
"""


def _fetch_dts_project(into: Path) -> Path:
    wanted = version("django-tenants")
    subprocess.run(  # noqa: S603 - pip of this virtualenv, a pinned name and version
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-binary", ":all:", "--no-deps"]
        + [f"django-tenants=={wanted}", "--dest", str(into)],
        check=True,
        timeout=300,
    )
    (sdist,) = into.glob("django[-_]tenants-*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(into, filter="data")
    (project,) = into.glob("django[-_]tenants-*/dts_test_project")
    return project


def _failed_tests(output: str) -> set[str]:
    return {match.group(2) for match in re.finditer(r"^(FAIL|ERROR): (.+)$", output, re.M)}


def test_django_tenants_suite_passes_with_our_backend(tmp_path):
    project = _fetch_dts_project(tmp_path)
    (tmp_path / "midsummer_dts_settings.py").write_text(SETTINGS_OVERLAY)
    db = connection.settings_dict
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "midsummer_dts_settings",
        # Its own database (test_<name>), never one of ours.
        "DATABASE_DB": f"dts_{uuid.uuid4().hex[:12]}",
        "DATABASE_HOST": db["HOST"] or "localhost",
        "DATABASE_PORT": str(db["PORT"] or 5432),
        "DATABASE_USER": db["USER"] or "postgres",
        "DATABASE_PASSWORD": db["PASSWORD"] or "",
    }

    result = subprocess.run(  # noqa: S603 - the fetched project's manage.py, our interpreter
        [sys.executable, "manage.py", "test", "django_tenants", "--noinput", "--parallel", "1"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )

    output = result.stdout + result.stderr
    ran = re.search(r"^Ran (\d+) tests?", output, re.M)
    assert ran and int(ran.group(1)) > 100, output[-3000:]
    assert _failed_tests(output) == EXPECTED_FAILURES, output[-6000:]
