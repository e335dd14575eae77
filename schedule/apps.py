from django.apps import AppConfig


class ScheduleConfig(AppConfig):
    name = "schedule"
    contract = "schedule.platform.Contract"
    verbose_name = "Schedule"
