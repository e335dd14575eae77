"""Django without django-tenants, serving the bench page from one tenant's tables."""

from urllib.parse import unquote

import environ

from midsummer.settings import MIDDLEWARE

env = environ.Env()
DEBUG = False
SECRET_KEY = "bench-only"  # noqa: S105 - a loopback-only benchmark process
ALLOWED_HOSTS = [".localhost", "localhost", "127.0.0.1"]
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "event",
]
# The product's stack minus what needs the tenant app: the tenant middleware, axes and the
# proxy's TLS ask (it answers from the tenant routing table).
WITHOUT_TENANT_APP = {
    "midsummer.middleware.TenantMiddleware",
    "axes.middleware.AxesMiddleware",
    "midsummer.tls.TlsAskMiddleware",
}
MIDDLEWARE = [
    "bench.middleware.SqlCountMiddleware",
    *(name for name in MIDDLEWARE if name not in WITHOUT_TENANT_APP),
]
ROOT_URLCONF = "bench.urls_plain"
# The metrics middleware counts every request in Redis, as it does for ours.
REDIS_URL = env.str("REDIS_URL", default="")
DATABASES = {
    "default": env.db("DATABASE_URL")
    | {
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": False,
        # The schema is chosen once, when the connection opens: no per-request statement.
        "OPTIONS": {"options": f"-c search_path={env.str('BENCH_PLAIN_SCHEMA')},public"},
    }
}
DATABASES["default"]["HOST"] = unquote(DATABASES["default"]["HOST"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
STATIC_URL = "static/"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": []},
    }
]
