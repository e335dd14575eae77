from django.apps import AppConfig


class NewMigrationConfig(AppConfig):
    name = "bench.new_migration_a"
    label = "bench_new_migration_a"
    default_auto_field = "django.db.models.BigAutoField"
