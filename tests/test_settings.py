"""Production settings: refuse to start half-configured, pass Django's deployment checks."""

import subprocess

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.processes import BIN, ROOT

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


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_pass_deploy_checks():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY (or run in dev mode with MIDSUMMER_DEV=1)." in result.stderr


def test_production_refuses_to_start_without_database_url_or_hosts():
    env = {"DJANGO_SECRET_KEY": PRODUCTION_ENV["DJANGO_SECRET_KEY"], "PATH": "/usr/bin:/bin"}

    result = _manage("check", env=env)

    assert "Set DJANGO_ALLOWED_HOSTS, DATABASE_URL, OIDC_RSA_PRIVATE_KEY" in result.stderr
