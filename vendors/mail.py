"""The dealer's mail at each step, sent by a Celery task after the commit."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from midsummer.formats import format_event_time, format_money
from tenant.current import site_link
from tenant.models import User
from vendors.models import Application, VendorSettings


def application_send_status(*, application_id: int) -> int:
    """Tell the dealer where their application stands now. Returns mails sent."""
    application = (
        Application.objects.select_related("event", "table_type").filter(pk=application_id).first()
    )
    if application is None:
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
        "link": site_link(reverse("vendors:mine")),
    }
    subject = _("%(event)s dealers' den: %(status)s") % {
        "event": application.event.name,
        "status": application.get_status_display(),
    }
    return EmailMessage(
        subject=subject,
        body=render_to_string("vendors/email/status.txt", context),
        to=[email],
    ).send()
