from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Convention directory"

    def ready(self) -> None:
        from directory import signals  # noqa: F401 - connects the receivers
