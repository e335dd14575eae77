from django.apps import AppConfig


class MidsummerConfig(AppConfig):
    """The platform core as an app: its templates, static files and the commands that reach
    every tenant app through the app contract (seed_demo, anonymize_after_event)."""

    name = "midsummer"
    verbose_name = "Midsummer"
