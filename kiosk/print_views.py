"""The print station's pages: the queue, taking the next job, its PDF, printed or failed; and
the desk's requests to print a badge (a reprint needs a reason) or every badge of an order."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from kiosk import selectors
from kiosk.forms import (
    BADGE_STOCK,
    PrintFinishForm,
    PrintOrderForm,
    PrintRequestForm,
    PrintTakeForm,
)
from kiosk.services import (
    badges_pdf_of,
    print_job_finish,
    print_job_request,
    print_job_take,
    print_jobs_for_order,
)
from kiosk.views import DeskMixin, _event

STATION_SESSION_KEY = "kiosk_station"


class PrintQueueView(DeskMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        station = request.session.get(STATION_SESSION_KEY, "")
        return render(
            request,
            "kiosk/print_queue.html",
            {
                "jobs": selectors.print_queue(),
                "take_form": PrintTakeForm(initial={"station": station or _("Station 1")}),
                "stock": BADGE_STOCK,
            },
        )


class PrintTakeView(DeskMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        form = PrintTakeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Name the print station."))
            return redirect("kiosk:print-queue")
        request.session[STATION_SESSION_KEY] = form.cleaned_data["station"]
        job = print_job_take(station=form.cleaned_data["station"])
        if job is None:
            messages.info(request, _("The queue is empty."))
        return redirect("kiosk:print-queue")


class PrintJobPdfView(DeskMixin, View):
    def get(self, request: HttpRequest, job_id: int) -> HttpResponse:
        job = selectors.print_job(job_id=job_id)
        size = request.GET.get("size", "cr80")
        if job is None or size not in dict(BADGE_STOCK):
            raise Http404
        pdf = badges_pdf_of(registrations=[job.registration], size=size)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="badge-{job.pk}-{size}.pdf"'
        return response


class PrintFinishView(DeskMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        form = PrintFinishForm(request.POST)
        if not form.is_valid():
            return _queue_error(request, _("Say whether the badge was printed."))
        try:
            print_job_finish(
                job_id=form.cleaned_data["job"],
                printed=form.cleaned_data["printed"],
                failure=form.cleaned_data["failure"],
            )
        except ValidationError as error:
            return _queue_error(request, " ".join(error.messages))
        return redirect("kiosk:print-queue")


class PrintRequestView(DeskMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        form = PrintRequestForm(request.POST)
        registration = (
            selectors.badges_for_desk()
            .filter(pk=form.cleaned_data["registration"], event=_event())
            .first()
            if form.is_valid()
            else None
        )
        if registration is None:
            return _queue_error(request, _("There is no such badge."))
        try:
            print_job_request(
                registration=registration,
                requested_by_id=request.user.pk,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            return _queue_error(request, " ".join(error.messages))
        messages.success(request, _("Badge sent to the print queue."))
        return redirect("kiosk:print-queue")


class PrintOrderView(DeskMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        form = PrintOrderForm(request.POST)
        order = (
            selectors.order_for_desk(reference=form.cleaned_data["order"], event=_event())
            if form.is_valid()
            else None
        )
        if order is None:
            return _queue_error(request, _("There is no such order."))
        jobs = print_jobs_for_order(order=order, requested_by_id=request.user.pk)
        messages.success(
            request, _("%(count)d badges sent to the print queue.") % {"count": len(jobs)}
        )
        return redirect("kiosk:print-queue")


def _queue_error(request: HttpRequest, error: str) -> HttpResponse:
    return render(
        request,
        "kiosk/print_queue.html",
        {
            "jobs": selectors.print_queue(),
            "take_form": PrintTakeForm(
                initial={"station": request.session.get(STATION_SESSION_KEY, "")}
            ),
            "stock": BADGE_STOCK,
            "error": error,
        },
        status=400,
    )
