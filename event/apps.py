from django.apps import AppConfig


class EventConfig(AppConfig):
    name = "event"
    contract = "event.platform.Contract"
    verbose_name = "Event"
