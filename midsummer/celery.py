"""The tenant-aware Celery app: a task runs in the schema it was queued from."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "midsummer.settings")

app = CeleryApp("midsummer")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
