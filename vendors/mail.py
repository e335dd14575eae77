"""The dealer's mail at each step, sent by a Celery task after the commit."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from event.current import event_link
from midsummer.formats import format_event_time, format_money
from tenant.models import User
from vendors.models import Application, VendorSettings


def application_send_status(*, application_id: int) -> int:
    """Tell the dealer where their application stands now. Returns mails sent."""
    return _send(application_id, "vendors/email/status.txt")


def application_send_reminder(*, application_id: int) -> int:
    """Remind an approved dealer that the deadline to pay is near (unless they paid since)."""
    return _send(application_id, "vendors/email/reminder.txt", only=Application.Status.APPROVED)


def _send(application_id: int, template: str, only: str = "") -> int:
    application = (
        Application.objects.select_related("event", "table_type").filter(pk=application_id).first()
    )
    if application is None or (only and application.status != only):
        return 0
    email = User.objects.filter(pk=application.account_id).values_list("email", flat=True).first()
    if not email:
        return 0
    settings = VendorSettings.objects.get(event_id=application.event_id)
    context = {
        "application": application,
        "event": application.event,
        "total": format_money(application.total, settings.currency),
        "due": format_event_time(application.due_at, application.event.timezone),
        "link": event_link(application.event, "vendors:mine"),
    }
    status = _("Your invoice is due soon") if only else application.get_status_display()
    subject = _("%(event)s dealers' den: %(status)s") % {
        "event": application.event.name,
        "status": status,
    }
    return EmailMessage(
        subject=subject,
        body=render_to_string(template, context),
        to=[email],
    ).send()
