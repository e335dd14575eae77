"""The staffing pages: the shift board, the volunteer application, My shifts with its iCal
feed, and the heads' coverage, at-risk report, sign-in sheets and reports. Thin: each checks
permission, validates a form, calls a selector or one service, renders. A refused rule answers
4xx with the rule's message (``staff/refused.html``), never 500."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from icalendar import Calendar
from icalendar import Event as IcalEvent

from event.models import Event
from event.selectors import active_event
from staff.errors import ShiftRefusedError
from staff.forms import ApplicationForm, BoardFilterForm, MarkForm, SwapForm
from staff.models import Department, Job, Shift, Volunteer
from staff.selectors import (
    at_risk_jobs,
    coverage_by_hour,
    departments_of,
    hours_of,
    hours_report,
    is_staffing_lead,
    jobs_on_board,
    managed_departments,
    may_manage,
    reward_progress,
    shifts_of_volunteer,
    sign_in_sheet,
    volunteer_by_feed_token,
    volunteer_of_account,
)
from staff.services import (
    drop_cutoff,
    drop_cutoff_hours,
    feed_token,
    feed_token_ensure,
    shift_drop,
    shift_mark,
    shift_sign_up,
    shift_swap,
    volunteer_apply,
)
from staff.timing import event_days, local
from tenant.backends import acting_account
from tenant.current import current_site_url
from tenant.exports import csv_writer


def _event_or_404() -> Event:
    event = active_event()
    if event is None:
        raise Http404(_("No event is on yet."))
    return event


def _refused(request: HttpRequest, error: ShiftRefusedError, back: str) -> HttpResponse:
    return render(
        request,
        "staff/refused.html",
        {"message": error.message, "back": back},
        status=error.status_code,
    )


def _volunteer_or_refuse(request: HttpRequest, event: Event) -> Volunteer:
    volunteer = volunteer_of_account(event=event, account_id=acting_account(request).pk)
    if volunteer is None:
        raise ShiftRefusedError(
            _("Apply to volunteer first: your application comes before shifts.")
        )
    return volunteer


# --- volunteers ---------------------------------------------------------------------------------
class BoardView(View):
    """Open shifts by day and department (members-only jobs for members), with the places left.
    ``?swap=<shift>`` offers each job as a swap for a shift the visitor holds."""

    def get(self, request: HttpRequest) -> HttpResponse:
        event = _event_or_404()
        form = BoardFilterForm(request.GET)
        if not form.is_valid():
            return render(
                request,
                "staff/refused.html",
                {
                    "message": _("Pick a day and a department from the lists."),
                    "back": reverse("staff:board"),
                },
                status=400,
            )
        days = event_days(event)
        day = form.cleaned_data["day"]
        if day is None or day not in days:
            day = days[0]
        department_id = form.cleaned_data["department"]
        volunteer = None
        if request.user.is_authenticated:
            volunteer = volunteer_of_account(event=event, account_id=request.user.pk)
        jobs = list(
            jobs_on_board(event=event, volunteer=volunteer, day=day, department_id=department_id)
        )
        held: set[int] = set()
        swap_shift = None
        if volunteer is not None:
            held = set(volunteer.shifts.values_list("job_id", flat=True))
            swap_id = request.GET.get("swap", "")
            if swap_id.isdigit():
                swap_shift = volunteer.shifts.filter(pk=int(swap_id)).first()
        rows = [
            {
                "job": job,
                "start": local(job.start, event),
                "end": local(job.end, event),
                "left": max(job.places - job.taken, 0),  # type: ignore[attr-defined]
                "held": job.pk in held,
                "roles": [role.name for role in job.required_roles.all()],
            }
            for job in jobs
        ]
        return render(
            request,
            "staff/board.html",
            {
                "event": event,
                "days": days,
                "day": day,
                "departments": departments_of(event=event),
                "department_id": department_id,
                "rows": rows,
                "volunteer": volunteer,
                "swap_shift": swap_shift,
            },
        )


class JobSignUpView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, job_id: int) -> HttpResponse:
        event = _event_or_404()
        try:
            volunteer = _volunteer_or_refuse(request, event)
            shift = shift_sign_up(job_id=job_id, volunteer_id=volunteer.pk)
        except ShiftRefusedError as error:
            return _refused(request, error, reverse("staff:board"))
        messages.success(request, _("You are on %(job)s. Thank you!") % {"job": shift.job.name})
        return redirect("staff:mine")


class ApplyView(LoginRequiredMixin, View):
    def _form(self, event: Event, data: Any = None, initial: Any = None) -> ApplicationForm:
        return ApplicationForm(data, initial=initial, departments=departments_of(event=event))

    def get(self, request: HttpRequest) -> HttpResponse:
        event = _event_or_404()
        volunteer = volunteer_of_account(event=event, account_id=acting_account(request).pk)
        initial = None
        if volunteer is not None:
            initial = {
                "availability": volunteer.availability,
                "skills": volunteer.skills,
                "shirt_size": volunteer.shirt_size,
                "emergency_contact": volunteer.emergency_contact,
                "interests": list(volunteer.interests.all()),
            }
        form = self._form(event, initial=initial)
        return render(
            request, "staff/apply.html", {"event": event, "form": form, "volunteer": volunteer}
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        event = _event_or_404()
        form = self._form(event, request.POST)
        if not form.is_valid():
            return render(request, "staff/apply.html", {"event": event, "form": form}, status=400)
        volunteer_apply(event=event, account=acting_account(request), **form.cleaned_data)
        messages.success(
            request, _("Thank you! A department head will look at your application soon.")
        )
        return redirect("staff:mine")


class MyShiftsView(LoginRequiredMixin, View):
    """My shifts (drop or swap before the cut-off), hours signed up and worked, rewards, and
    the personal calendar feed."""

    def get(self, request: HttpRequest) -> HttpResponse:
        event = _event_or_404()
        volunteer = volunteer_of_account(event=event, account_id=acting_account(request).pk)
        if volunteer is None:
            return render(request, "staff/mine.html", {"event": event, "volunteer": None})
        shifts = list(shifts_of_volunteer(volunteer=volunteer))
        now = timezone.now()
        cutoff_hours = drop_cutoff_hours(event_id=event.pk)
        rows = []
        for shift in shifts:
            rows.append(
                {
                    "shift": shift,
                    "start": local(shift.job.start, event),
                    "end": local(shift.job.end, event),
                    "can_drop": shift.status == Shift.Status.SIGNED_UP
                    and now < drop_cutoff(shift.job, hours=cutoff_hours),
                }
            )
        hours = hours_of(shifts)
        feed = None
        if volunteer.feed_salt:
            feed = current_site_url() + reverse(
                "staff:feed", kwargs={"token": feed_token(volunteer)}
            )
        return render(
            request,
            "staff/mine.html",
            {
                "event": event,
                "volunteer": volunteer,
                "rows": rows,
                "hours": hours,
                "rewards": reward_progress(event=event, worked=hours.worked),
                "feed": feed,
            },
        )


class FeedLinkView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        event = _event_or_404()
        try:
            volunteer = _volunteer_or_refuse(request, event)
        except ShiftRefusedError as error:
            return _refused(request, error, reverse("staff:apply"))
        feed_token_ensure(volunteer_id=volunteer.pk, renew=True)
        messages.success(request, _("Your calendar link is ready; any older link stopped working."))
        return redirect("staff:mine")


class ShiftDropView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, shift_id: int) -> HttpResponse:
        event = _event_or_404()
        try:
            volunteer = _volunteer_or_refuse(request, event)
            shift_drop(shift_id=shift_id, volunteer_id=volunteer.pk)
        except ShiftRefusedError as error:
            return _refused(request, error, reverse("staff:mine"))
        messages.success(request, _("Shift dropped: the place is free for someone else."))
        return redirect("staff:mine")


class ShiftSwapView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, shift_id: int) -> HttpResponse:
        event = _event_or_404()
        form = SwapForm(request.POST)
        try:
            if not form.is_valid():
                raise ShiftRefusedError(_("Pick the shift to swap into from the board."))
            volunteer = _volunteer_or_refuse(request, event)
            shift = shift_swap(
                shift_id=shift_id, job_id=form.cleaned_data["job"], volunteer_id=volunteer.pk
            )
        except ShiftRefusedError as error:
            return _refused(request, error, reverse("staff:mine"))
        messages.success(request, _("Swapped: you are now on %(job)s.") % {"job": shift.job.name})
        return redirect("staff:mine")


class FeedView(View):
    """The volunteer's shifts as iCal, at a personal tokenised URL (no log-in: calendar apps)."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        volunteer = volunteer_by_feed_token(token=token)
        if volunteer is None:
            raise Http404(_("This calendar link no longer works: make a new one on My shifts."))
        calendar = Calendar()
        calendar.add("prodid", "-//Midsummer//staff//EN")
        calendar.add("version", "2.0")
        calendar.add("x-wr-calname", _("My shifts at %(event)s") % {"event": volunteer.event.name})
        host = request.get_host().split(":")[0]
        for shift in shifts_of_volunteer(volunteer=volunteer).exclude(status=Shift.Status.NO_SHOW):
            entry = IcalEvent()
            entry.add("uid", f"staff-shift-{shift.pk}@{host}")
            entry.add("summary", f"{shift.job.name} ({shift.job.department.name})")
            entry.add("dtstart", shift.job.start)
            entry.add("dtend", shift.job.end)
            entry.add("dtstamp", shift.created_at)
            if shift.job.description:
                entry.add("description", shift.job.description)
            calendar.add_component(entry)
        return HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")


# --- department heads and the staffing lead -----------------------------------------------------
def _managed_or_403(request: HttpRequest, event: Event) -> Any:
    departments = managed_departments(user=request.user, event=event)
    if not departments.exists():
        raise PermissionDenied(_("Only department heads and the staffing lead see this page."))
    return departments


def _department_param(request: HttpRequest, departments: Any) -> Department | None:
    raw = request.GET.get("department", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404(_("No such department."))
    department = departments.filter(pk=int(raw)).first()
    if department is None:
        raise Http404(_("No such department among yours."))
    return department  # type: ignore[no-any-return]


class ManageView(LoginRequiredMixin, View):
    """The heads' overview: their departments and the at-risk report (unfilled, no-shows)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        event = _event_or_404()
        departments = _managed_or_403(request, event)
        department = _department_param(request, departments)
        scope = departments.filter(pk=department.pk) if department else departments
        risky = [
            {
                "job": job,
                "start": local(job.start, event),
                "end": local(job.end, event),
                "unfilled": max(job.places - job.taken, 0),  # type: ignore[attr-defined]
            }
            for job in at_risk_jobs(departments=scope)
        ]
        return render(
            request,
            "staff/manage.html",
            {
                "event": event,
                "departments": departments,
                "department": department,
                "risky": risky,
                "is_lead": is_staffing_lead(request.user),
            },
        )


class CoverageView(LoginRequiredMixin, View):
    """Places filled vs needed for each hour of a day, over the heads' departments."""

    def get(self, request: HttpRequest) -> HttpResponse:
        event = _event_or_404()
        departments = _managed_or_403(request, event)
        department = _department_param(request, departments)
        scope = departments.filter(pk=department.pk) if department else departments
        days = event_days(event)
        try:
            day = dt.date.fromisoformat(request.GET.get("day", ""))
        except ValueError:
            day = days[0]
        if day not in days:
            day = days[0]
        hours = [h for h in coverage_by_hour(event=event, departments=scope, day=day) if h.needed]
        return render(
            request,
            "staff/coverage.html",
            {
                "event": event,
                "departments": departments,
                "department": department,
                "days": days,
                "day": day,
                "hours": hours,
            },
        )


def _job_managed_or_404(request: HttpRequest, job_id: int) -> Job:
    job = Job.objects.select_related("department__event").filter(pk=job_id).first()
    if job is None or not may_manage(user=request.user, department=job.department):
        raise Http404(_("No such job among your departments."))
    return job


class SignInSheetView(LoginRequiredMixin, View):
    """A printable sign-in sheet of one job (names, empty lines for signatures and times)."""

    def get(self, request: HttpRequest, job_id: int) -> HttpResponse:
        job = _job_managed_or_404(request, job_id)
        event = job.department.event
        shifts = list(sign_in_sheet(job=job))
        return render(
            request,
            "staff/sign_in_sheet.html",
            {
                "event": event,
                "job": job,
                "start": local(job.start, event),
                "end": local(job.end, event),
                "shifts": shifts,
                "blank": range(max(job.places - len(shifts), 0)),
            },
        )


class ShiftMarkView(LoginRequiredMixin, View):
    """A head marks a shift of their department worked or no-show."""

    def post(self, request: HttpRequest, shift_id: int) -> HttpResponse:
        shift = Shift.objects.select_related("job").filter(pk=shift_id).first()
        if shift is None:
            raise Http404(_("No such shift."))
        job = _job_managed_or_404(request, shift.job_id)
        form = MarkForm(request.POST)
        if not form.is_valid():
            return _refused(
                request,
                ShiftRefusedError(_("Mark the shift worked, no-show or signed up.")),
                reverse("staff:sign-in", args=[job.pk]),
            )
        shift_mark(shift_id=shift.pk, status=form.cleaned_data["status"])
        return redirect("staff:sign-in", job.pk)


class HoursCsvView(LoginRequiredMixin, View):
    """Hours per person and department (signed up and worked apart), rewards earned: for the
    staffing lead."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not is_staffing_lead(request.user):
            raise PermissionDenied(_("Only the staffing lead downloads the hours report."))
        event = _event_or_404()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="staff-hours.csv"'
        writer = csv_writer(response)
        writer.writerow(
            ["name", "kind", "department", "hours_signed_up", "hours_worked", "rewards_earned"]
        )
        for row in hours_report(event=event):
            writer.writerow(
                [
                    row.volunteer.name,
                    row.volunteer.kind,
                    row.department,
                    row.signed_up,
                    row.worked,
                    "; ".join(row.rewards),
                ]
            )
        return response
