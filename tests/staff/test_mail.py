"""Reminders the evening before (through the contract's periodic hook) and mails on changes."""

import datetime as dt

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from midsummer.contract import periodic_work
from staff.models import Shift
from staff.services import shift_drop, shift_sign_up, shifts_send_reminders
from staff.tasks import send_reminders
from tests.factories.staff import JobFactory, VolunteerFactory
from tests.staff.conftest import NOW, at

pytestmark = pytest.mark.django_db


def test_reminders_run_every_quarter_hour_in_every_tenant():
    assert [(w.task, w.every) for w in periodic_work() if w.task.startswith("staff.")] == [
        ("staff.send_reminders", 900)
    ]


def test_the_evening_before_each_person_is_reminded_once_of_tomorrows_shifts(tenant_a, staffing):
    with tenant_context(tenant_a):
        event = staffing.event
        morning = JobFactory(
            department=staffing.department, name="Desk", start=at(event, 2, "09:00")
        )
        noon = JobFactory(department=staffing.department, name="Door", start=at(event, 2, "12:00"))
        later = JobFactory(
            department=staffing.department, name="Later", start=at(event, 3, "09:00")
        )
        volunteer = VolunteerFactory(event=event)
        for job in (morning, noon, later):
            shift_sign_up(job_id=job.pk, volunteer_id=volunteer.pk, now=NOW)

        too_early = shifts_send_reminders(now=at(event, 1, "17:00"))
        sent = shifts_send_reminders(now=at(event, 1, "18:05"))
        again = shifts_send_reminders(now=at(event, 1, "18:20"))

        assert (too_early, sent, again) == (0, 1, 0)
        (message,) = mail.outbox
        assert message.subject == "Your shifts tomorrow at Alpha Con"
        assert "Wed 2 Jul 09:00–11:00 · Desk · Registration" in message.body
        assert "Wed 2 Jul 12:00–14:00 · Door · Registration" in message.body
        assert "Later" not in message.body
        assert Shift.objects.filter(reminded_at__isnull=False).count() == 2


def test_the_reminder_task_runs_in_the_current_schema(tenant_a, staffing):
    with tenant_context(tenant_a):
        assert send_reminders.apply().get() == 0  # the event is years away: nothing due


def test_a_head_taking_someone_off_a_shift_mails_them(
    tenant_a, staffing, django_capture_on_commit_callbacks
):
    with tenant_context(tenant_a):
        job = JobFactory(department=staffing.department, name="Desk")
        volunteer = VolunteerFactory(event=staffing.event)
        shift = shift_sign_up(job_id=job.pk, volunteer_id=volunteer.pk, now=NOW)

        with django_capture_on_commit_callbacks(execute=True):
            shift_drop(
                shift_id=shift.pk,
                volunteer_id=volunteer.pk,
                by_head=True,
                now=job.start - dt.timedelta(hours=1),
            )

        (message,) = mail.outbox
        assert message.subject == "You are no longer on the shift Desk"
