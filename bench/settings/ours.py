import os

from midsummer.settings import *  # noqa: F403
from midsummer.settings import INSTALLED_APPS, MIDDLEWARE, STORAGES, TENANT_APPS

# Production-like: no DEBUG query log, plain HTTP on loopback (no HTTPS redirect).
DEBUG = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = STORAGES | {
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
}
ROOT_URLCONF = "bench.urls_tenant"
MIDDLEWARE = ["bench.middleware.SqlCountMiddleware", *MIDDLEWARE]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# The "one new migration over N tenants" scenario installs one of two bench-only tenant apps
# (identical single migrations) for the commands it times; nothing else ever sets this.
_NEW_MIGRATION = os.environ.get("BENCH_NEW_MIGRATION", "")
if _NEW_MIGRATION in ("a", "b"):
    TENANT_APPS = [*TENANT_APPS, f"bench.new_migration_{_NEW_MIGRATION}"]
    INSTALLED_APPS = [*INSTALLED_APPS, f"bench.new_migration_{_NEW_MIGRATION}"]
