from django.apps import AppConfig


class SampleAppConfig(AppConfig):
    """A tenant app that exists only in the tests (tests/settings.py): it shows that a new app
    joins the platform through its contract alone, without an edit to the core."""

    name = "tests.sample_app"
    label = "sample_app"
    contract = "tests.sample_app.platform.Contract"
    default_auto_field = "django.db.models.BigAutoField"
