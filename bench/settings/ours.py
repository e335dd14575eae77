from midsummer.settings import *  # noqa: F403
from midsummer.settings import MIDDLEWARE, STORAGES

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
