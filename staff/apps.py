from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "staff"
    contract = "staff.platform.Contract"
    verbose_name = "Staff"
