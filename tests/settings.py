"""The settings under test: the product's, plus a tenant app that exists only in the tests
(``tests.sample_app``), to show that a new app joins through its contract alone."""

import os
import tempfile

from midsummer.settings import *  # noqa: F403
from midsummer.settings import SHARED_APPS, TENANT_APPS

TENANT_APPS = [*TENANT_APPS, "tests.sample_app"]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

PASSWORD_HASHERS = ["tests.hashers.CheapArgon2PasswordHasher"]

# Uploads made by the tests (and by the servers they start, which inherit the variable) go to a
# directory of the session's, removed at its end (tests/conftest.py), never into the developer's
# .data/media. A test that starts a process with DJANGO_MEDIA_ROOT set keeps that.
if "DJANGO_MEDIA_ROOT" not in os.environ:
    MEDIA_ROOT = os.environ.get("MIDSUMMER_TEST_MEDIA_ROOT") or os.environ.setdefault(
        "MIDSUMMER_TEST_MEDIA_ROOT", tempfile.mkdtemp(prefix="midsummer-test-media-")
    )
