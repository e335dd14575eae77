"""Production settings: refuse to start half-configured, pass Django's deployment checks."""

from tests.processes import PRODUCTION_ENV, manage


def test_production_settings_pass_deploy_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY (or run in dev mode with MIDSUMMER_DEV=1)." in result.stderr


def test_production_refuses_to_start_without_database_url_or_hosts():
    env = {"DJANGO_SECRET_KEY": PRODUCTION_ENV["DJANGO_SECRET_KEY"], "PATH": "/usr/bin:/bin"}

    result = manage("check", env=env)

    assert "Set DJANGO_ALLOWED_HOSTS, DATABASE_URL, OIDC_RSA_PRIVATE_KEY" in result.stderr
