from celery import shared_task

from vendors.mail import application_send_reminder, application_send_status
from vendors.services import invoices_release_overdue, invoices_send_reminders


@shared_task(name="vendors.send_status_mail")
def send_status_mail(application_id: int) -> int:
    """Mail a dealer where their application stands. Returns mails sent."""
    return application_send_status(application_id=application_id)


@shared_task(name="vendors.release_overdue")
def release_overdue() -> int:
    """Unpaid approved dealers past the deadline go back to the waiting list."""
    return invoices_release_overdue()


@shared_task(name="vendors.send_reminder_mail")
def send_reminder_mail(application_id: int) -> int:
    return application_send_reminder(application_id=application_id)


@shared_task(name="vendors.remind_unpaid")
def remind_unpaid() -> int:
    """Approved dealers who have not paid hear before their deadline."""
    return invoices_send_reminders()
