"""The layer check (import-linter, docs/APPS.md): the platform core knows no tenant app."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
# The packages the check covers, as pyproject.toml names them (a new app is listed once).
PACKAGES = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
    "root_packages"
]


def _lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def tree_copy(tmp_path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_code_keeps_its_layers(tree_copy):
    result = _lint(tree_copy)

    assert result.returncode == 0, result.stdout + result.stderr


def test_a_core_module_importing_a_tenant_app_breaks_the_check(tree_copy):
    current = tree_copy / "tenant" / "current.py"
    current.write_text(current.read_text() + "\nfrom register.selectors import places_taken\n")

    result = _lint(tree_copy)

    assert result.returncode == 1
    assert "tenant.current -> register.selectors" in result.stdout
