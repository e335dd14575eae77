"""The heads' working pages: applications to accept, the clock-in desk, job templates and the
staffing lead's comped staff badges. Thin like ``staff.views``: permission (the heads' own
departments, through ``staff.selectors.authority``), a form, one service, a page; a refused
rule answers 4xx with its message."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from event.models import Event
from staff.errors import ShiftRefusedError
from staff.forms import AcceptForm, ClockForm, ClockSearchForm, CompBadgeForm, JobTemplateForm
from staff.models import Department, Shift, Volunteer
from staff.selectors import (
    clock_desk_shifts,
    is_staffing_lead,
    open_applications,
    staff_awaiting_badges,
    staff_badge_levels,
    staff_badges_given,
)
from staff.services import (
    applicant_accept,
    applicant_decline,
    jobs_generate,
    shift_clock_in,
    shift_clock_out,
    volunteer_comp_badge,
)
from staff.timing import event_days, local
from staff.views import _event_or_404, _managed_or_403, _refused
from tenant.backends import acting_account


# --- applications --------------------------------------------------------------------------------
def _applications_page(
    request: HttpRequest, event: Event, departments: Any, *, status: int = 200, error: str = ""
) -> HttpResponse:
    managed = set(departments.values_list("pk", flat=True))
    applications = [  # each with the departments of theirs the viewer may accept them into
        (volunteer, [d for d in volunteer.interests.all() if d.pk in managed])
        for volunteer in open_applications(departments=departments)
    ]
    return render(
        request,
        "staff/applications.html",
        {
            "event": event,
            "applications": applications,
            "is_lead": is_staffing_lead(request.user),
            "error": error,
        },
        status=status,
    )


def _application_or_404(departments: Any, volunteer_id: int) -> Volunteer:
    volunteer = open_applications(departments=departments).filter(pk=volunteer_id).first()
    if volunteer is None:
        raise Http404(_("No such open application for your departments."))
    return volunteer


class ApplicationsView(LoginRequiredMixin, View):
    """Open applications of people who want to help in the viewer's departments."""

    def get(self, request: HttpRequest) -> HttpResponse:
        event = _event_or_404()
        return _applications_page(request, event, _managed_or_403(request, event))


class ApplicationAcceptView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, volunteer_id: int) -> HttpResponse:
        event = _event_or_404()
        departments = _managed_or_403(request, event)
        volunteer = _application_or_404(departments, volunteer_id)
        form = AcceptForm(request.POST, departments=departments)
        if not form.is_valid():
            return _applications_page(
                request, event, departments, status=400, error=_("Pick one of your departments.")
            )
        department: Department = form.cleaned_data["department"]
        applicant_accept(volunteer_id=volunteer.pk, department=department)
        messages.success(
            request,
            _("%(name)s is in %(department)s; they get a mail.")
            % {"name": volunteer.name, "department": department.name},
        )
        return redirect("staff:applications")


class ApplicationDeclineView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, volunteer_id: int) -> HttpResponse:
        event = _event_or_404()
        if not is_staffing_lead(request.user):
            raise PermissionDenied(_("Only the staffing lead declines an application."))
        volunteer = _application_or_404(_managed_or_403(request, event), volunteer_id)
        applicant_decline(volunteer_id=volunteer.pk)
        messages.success(
            request, _("%(name)s's application is declined.") % {"name": volunteer.name}
        )
        return redirect("staff:applications")


# --- the clock-in desk ----------------------------------------------------------------------------
def _desk_day(event: Event, requested: dt.date | None) -> dt.date:
    days = event_days(event)
    if requested in days:
        return requested  # type: ignore[return-value]
    today = local(timezone.now(), event).date()
    return today if today in days else days[0]


class ClockDeskView(LoginRequiredMixin, View):
    """Find a person's shifts of the day in the viewer's departments; clock them in or out."""

    def get(self, request: HttpRequest) -> HttpResponse:
        event = _event_or_404()
        departments = _managed_or_403(request, event)
        search = ClockSearchForm(request.GET)
        if not search.is_valid():
            return _refused(
                request,
                ShiftRefusedError(_("Type a name and pick a day of the event.")),
                reverse("staff:clock"),
            )
        day = _desk_day(event, search.cleaned_data["day"])
        shifts = clock_desk_shifts(
            event=event, departments=departments, query=search.cleaned_data["q"], day=day
        )
        rows = [
            {"shift": s, "start": local(s.job.start, event), "end": local(s.job.end, event)}
            for s in shifts
        ]
        return render(
            request,
            "staff/clock.html",
            {"event": event, "search": search, "day": day, "days": event_days(event), "rows": rows},
        )


class ShiftClockView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, shift_id: int) -> HttpResponse:
        event = _event_or_404()
        departments = _managed_or_403(request, event)
        shift = (
            Shift.objects.select_related("volunteer", "job")
            .filter(pk=shift_id, job__department__in=departments)
            .first()
        )
        if shift is None:
            raise Http404(_("No such shift among your departments."))
        back = f"{reverse('staff:clock')}?q={shift.volunteer.name}"
        form = ClockForm(request.POST)
        if not form.is_valid():
            return _refused(request, ShiftRefusedError(_("Clock in or clock out.")), back)
        try:
            if form.cleaned_data["action"] == "in":
                shift_clock_in(shift_id=shift.pk)
            else:
                shift_clock_out(shift_id=shift.pk)
        except ShiftRefusedError as error:
            return _refused(request, error, back)
        done = (
            _("%(name)s clocked in.")
            if form.cleaned_data["action"] == "in"
            else _("%(name)s clocked out: the shift counts as worked.")
        )
        messages.success(request, done % {"name": shift.volunteer.name})
        return redirect(back)


# --- job templates --------------------------------------------------------------------------------
class JobTemplateView(LoginRequiredMixin, View):
    """Generate a day's or the whole event's slots of a job ("Registration desk, every 2 h, 4
    people, 08:00–22:00"); running it again adds only the slots that are missing."""

    def _page(
        self, request: HttpRequest, event: Event, form: JobTemplateForm, status: int = 200
    ) -> HttpResponse:
        return render(
            request, "staff/templates.html", {"event": event, "form": form}, status=status
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        event = _event_or_404()
        departments = _managed_or_403(request, event)
        return self._page(
            request, event, JobTemplateForm(departments=departments, days=event_days(event))
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        event = _event_or_404()
        departments = _managed_or_403(request, event)
        form = JobTemplateForm(request.POST, departments=departments, days=event_days(event))
        if not form.is_valid():
            return self._page(request, event, form, status=400)
        data = form.cleaned_data
        try:
            made = jobs_generate(
                department=data["department"],
                name=data["name"],
                first=data["first"],
                last=data["last"],
                every_minutes=data["every_minutes"],
                places=data["places"],
                day=data["day"],
                weight=data["weight"],
                visibility=data["visibility"],
            )
        except ShiftRefusedError as error:
            form.add_error(None, error.message)
            return self._page(request, event, form, status=error.status_code)
        messages.success(
            request,
            _("%(count)s slots of %(job)s made; slots already there were left alone.")
            % {"count": len(made), "job": data["name"]},
        )
        return redirect("staff:templates")


# --- comped staff badges --------------------------------------------------------------------------
class StaffBadgesView(LoginRequiredMixin, View):
    """The staffing lead gives accepted staff a comped badge (registration numbers it from the
    staff range); what registration needs that the application did not ask is asked here."""

    def _lead_event(self, request: HttpRequest) -> Event:
        if not is_staffing_lead(request.user):
            raise PermissionDenied(_("Only the staffing lead gives staff badges."))
        return _event_or_404()

    def _page(
        self, request: HttpRequest, event: Event, forms: dict[int, CompBadgeForm], status: int = 200
    ) -> HttpResponse:
        levels = staff_badge_levels(event=event)
        waiting = [
            (
                volunteer,
                forms.get(volunteer.pk) or CompBadgeForm(levels=levels, prefix=f"v{volunteer.pk}"),
            )
            for volunteer in staff_awaiting_badges(event=event)
        ]
        context = {
            "event": event,
            "waiting": waiting,
            "given": staff_badges_given(event=event),
            "has_levels": levels.exists(),
        }
        return render(request, "staff/badges.html", context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        event = self._lead_event(request)
        return self._page(request, event, {})

    def post(self, request: HttpRequest) -> HttpResponse:
        event = self._lead_event(request)
        raw = request.POST.get("volunteer", "")
        volunteer = (
            staff_awaiting_badges(event=event).filter(pk=int(raw)).first()
            if raw.isdigit()
            else None
        )
        if volunteer is None:
            raise Http404(_("No staff member here waits for a badge."))
        form = CompBadgeForm(
            request.POST, levels=staff_badge_levels(event=event), prefix=f"v{volunteer.pk}"
        )
        if not form.is_valid():
            return self._page(request, event, {volunteer.pk: form}, status=400)
        try:
            badge = volunteer_comp_badge(
                volunteer_id=volunteer.pk,
                level=form.cleaned_data["level"],
                birthdate=form.cleaned_data["birthdate"],
                phone=form.cleaned_data["phone"],
                by=acting_account(request),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
            return self._page(request, event, {volunteer.pk: form}, status=400)
        messages.success(
            request,
            _("%(name)s has staff badge #%(number)s.")
            % {"name": volunteer.name, "number": badge.badge_number or "—"},
        )
        return redirect("staff:badges")
