from celery import shared_task

from tests.sample_app.models import Volunteer


@shared_task(name="sample_app.count_volunteers")
def count_volunteers() -> int:
    return Volunteer.objects.count()
