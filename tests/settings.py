"""The settings under test: the product's, plus a tenant app that exists only in the tests
(``tests.sample_app``), to show that a new app joins through its contract alone."""

from midsummer.settings import *  # noqa: F403
from midsummer.settings import SHARED_APPS, TENANT_APPS

TENANT_APPS = [*TENANT_APPS, "tests.sample_app"]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

PASSWORD_HASHERS = ["tests.hashers.CheapArgon2PasswordHasher"]
