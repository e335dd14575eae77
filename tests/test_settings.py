"""Production settings: refuse to start half-configured, pass Django's deployment checks."""

import json

from tests.processes import PRODUCTION_ENV, database_url_for_children, manage


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


def test_production_serves_pages_with_the_browser_protections_on(django_db_setup, tmp_path):
    """Security review: DEBUG off, cookies only over HTTPS, HSTS, framing refused, referrers
    kept on the site, and a Content-Security-Policy without inline script — measured on a
    response of the production settings, not read from the settings module."""
    code = (
        "import json;"
        "from django.conf import settings;"
        "from django.test import Client;"
        "response = Client(HTTP_HOST='alpha.localhost').get('/', secure=True);"
        "print(json.dumps({'debug': settings.DEBUG,"
        " 'session_secure': settings.SESSION_COOKIE_SECURE,"
        " 'csrf_secure': settings.CSRF_COOKIE_SECURE,"
        " 'headers': dict(response.headers)}))"
    )

    env = PRODUCTION_ENV | {
        "DATABASE_URL": database_url_for_children(),
        "DJANGO_ALLOWED_HOSTS": ".localhost",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
    }
    # Only the files the page uses: compressing all of the admin's takes a minute.
    collected = manage(
        "collectstatic", "--noinput", "-i", "admin", "-i", "oauth2_provider", env=env
    )
    assert collected.returncode == 0, collected.stderr
    result = manage("shell", "-c", code, env=env)

    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    headers = seen["headers"]
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in headers["Content-Security-Policy"].split(";")
    )
    assert (seen["debug"], seen["session_secure"], seen["csrf_secure"]) == (False, True, True)
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "unsafe" not in headers["Content-Security-Policy"]
