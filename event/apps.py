from django.apps import AppConfig


class EventConfig(AppConfig):
    name = "event"
    verbose_name = "Event"
