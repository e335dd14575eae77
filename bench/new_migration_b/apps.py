from django.apps import AppConfig


class NewMigrationConfig(AppConfig):
    name = "bench.new_migration_b"
    label = "bench_new_migration_b"
    default_auto_field = "django.db.models.BigAutoField"
