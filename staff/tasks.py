from celery import shared_task

from staff.services import application_send_decided, shift_send_changed, shifts_send_reminders


@shared_task(name="staff.send_shift_changed")
def send_shift_changed(volunteer_id: int, job_id: int, change: str) -> int:
    """Mail a volunteer about a change to a shift they hold. Returns mails sent."""
    return shift_send_changed(volunteer_id=volunteer_id, job_id=job_id, change=change)


@shared_task(name="staff.send_reminders")
def send_reminders() -> int:
    """The evening before: remind everyone of tomorrow's shifts (once each). Mails sent."""
    return shifts_send_reminders()


@shared_task(name="staff.send_application_decided")
def send_application_decided(volunteer_id: int, department_id: int | None) -> int:
    """Mail an applicant the decision on their application. Returns mails sent."""
    return application_send_decided(volunteer_id=volunteer_id, department_id=department_id)
