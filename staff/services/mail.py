"""Mails to volunteers: a change to a shift they hold, and the reminder the evening before.
Sent by Celery tasks after the commit (``queue_after_commit``: the outbox delivers them even
when Redis was down at the commit); every link is built by ``site_link``."""

from __future__ import annotations

import datetime as dt

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from event.current import event_link
from event.selectors import active_event
from staff.models import Job, Shift, Volunteer
from staff.timing import at_local, local
from tenant.models import User
from tenant.tasks import queue_after_commit

REMINDER_FROM = dt.time(18, 0)  # the evening before, on the event's clocks


def queue_shift_changed(*, volunteer_id: int, job_id: int, change: str) -> None:
    queue_after_commit("staff.send_shift_changed", volunteer_id, job_id, change)


def queue_application_decided(*, volunteer_id: int, department_id: int | None) -> None:
    queue_after_commit("staff.send_application_decided", volunteer_id, department_id)


def application_send_decided(*, volunteer_id: int, department_id: int | None) -> int:
    """Tell an applicant they were accepted into a department (``department_id``) or that
    their application was declined (None). Returns mails sent."""
    volunteer = Volunteer.objects.select_related("event").filter(pk=volunteer_id).first()
    if volunteer is None:
        return 0
    email = _email_of(volunteer.account_id)
    if not email:
        return 0
    department = (
        volunteer.memberships.select_related("department")
        .filter(department_id=department_id)
        .first()
        if department_id is not None
        else None
    )
    if department_id is not None and department is None:
        return 0  # the acceptance was undone before the mail went out
    context = {
        "volunteer": volunteer,
        "event": volunteer.event,
        "department": department.department if department else None,
        "link": event_link(volunteer.event, "staff:board"),
    }
    subject = (
        _("Welcome to %(department)s at %(event)s")
        % {"department": department.department.name, "event": volunteer.event.name}
        if department
        else _("Your application to help at %(event)s") % {"event": volunteer.event.name}
    )
    return EmailMessage(
        subject=subject,
        body=render_to_string("staff/email/application_decided.txt", context),
        to=[email],
    ).send()


def _email_of(account_id: int) -> str | None:
    return User.objects.filter(pk=account_id).values_list("email", flat=True).first()


def shift_send_changed(*, volunteer_id: int, job_id: int, change: str) -> int:
    """Tell a volunteer that a shift they hold (or held) changed: ``assigned``, ``removed``
    or ``moved``. Returns mails sent."""
    volunteer = Volunteer.objects.select_related("event").filter(pk=volunteer_id).first()
    job = Job.objects.select_related("department__event").filter(pk=job_id).first()
    if volunteer is None or job is None:
        return 0
    email = _email_of(volunteer.account_id)
    if not email:
        return 0
    subjects = {
        "assigned": _("You have a new shift: %(job)s"),
        "removed": _("You are no longer on the shift %(job)s"),
        "moved": _("Your shift %(job)s has changed"),
    }
    context = {
        "volunteer": volunteer,
        "job": job,
        "change": change,
        "start": local(job.start, job.department.event),
        "end": local(job.end, job.department.event),
        "link": event_link(job.department.event, "staff:mine"),
    }
    return EmailMessage(
        subject=subjects.get(change, subjects["moved"]) % {"job": job.name},
        body=render_to_string("staff/email/shift_changed.txt", context),
        to=[email],
    ).send()


def shifts_send_reminders(*, now: dt.datetime | None = None) -> int:
    """From 18:00 on the event's clocks, remind everyone holding a shift tomorrow, once per
    shift (``reminded_at``). Returns mails sent; run every few minutes per tenant."""
    now = now or timezone.now()
    event = active_event()
    if event is None:
        return 0
    today = local(now, event).date()
    if local(now, event).time() < REMINDER_FROM:
        return 0
    tomorrow = today + dt.timedelta(days=1)
    start = at_local(tomorrow, dt.time(0), event)
    end = start + dt.timedelta(days=1)
    due = (
        Shift.objects.filter(
            job__department__event=event,
            job__start__gte=start,
            job__start__lt=end,
            reminded_at__isnull=True,
            status=Shift.Status.SIGNED_UP,
        )
        .select_related("job__department", "volunteer")
        .order_by("volunteer_id", "job__start")
    )
    by_person: dict[int, list[Shift]] = {}
    for shift in due:
        by_person.setdefault(shift.volunteer_id, []).append(shift)
    emails = dict(
        User.objects.filter(
            pk__in={shifts[0].volunteer.account_id for shifts in by_person.values()}
        ).values_list("pk", "email")
    )
    sent = 0
    for shifts in by_person.values():
        volunteer = shifts[0].volunteer
        email = emails.get(volunteer.account_id)
        if email:
            rows = [(local(s.job.start, event), local(s.job.end, event), s.job) for s in shifts]
            sent += EmailMessage(
                subject=_("Your shifts tomorrow at %(event)s") % {"event": event.name},
                body=render_to_string(
                    "staff/email/reminder.txt",
                    {
                        "volunteer": volunteer,
                        "event": event,
                        "rows": rows,
                        "link": event_link(event, "staff:mine"),
                    },
                ),
                to=[email],
            ).send()
        Shift.objects.filter(pk__in=[s.pk for s in shifts]).update(reminded_at=now)
    return sent
