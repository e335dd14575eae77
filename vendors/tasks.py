from celery import shared_task

from vendors.mail import application_send_status
from vendors.services import invoices_release_overdue


@shared_task(name="vendors.send_status_mail")
def send_status_mail(application_id: int) -> int:
    """Mail a dealer where their application stands. Returns mails sent."""
    return application_send_status(application_id=application_id)


@shared_task(name="vendors.release_overdue")
def release_overdue() -> int:
    """Unpaid approved dealers past the deadline go back to the waiting list."""
    return invoices_release_overdue()
