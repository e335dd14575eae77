from bench.settings.ours import *  # noqa: F403
from bench.settings.ours import DATABASES, MIDDLEWARE

MIDDLEWARE = [
    "django_tenants.middleware.main.TenantMainMiddleware"
    if name == "midsummer.middleware.TenantMiddleware"
    else name
    for name in MIDDLEWARE
]
DATABASES = {"default": DATABASES["default"] | {"ENGINE": "django_tenants.postgresql_backend"}}
