"""The dealers' den pages: the public den, applying and the dealer's own page (pay the
invoice), the jury's review list and the vendor lead's decisions. Thin: permission, a form,
a selector or one service, a page; a refusal answers 4xx with its message."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from event.models import Event
from event.selectors import active_event
from payments.providers import get_provider
from tenant.backends import acting_account
from vendors import selectors
from vendors.forms import ApplicationForm, DecisionForm, PayForm, ReviewForm
from vendors.models import Application, VendorSettings
from vendors.services import (
    application_decide,
    application_submit,
    application_update,
    invoice_choose_provider,
    invoice_payable,
    review_submit,
)


def _den() -> tuple[Event, VendorSettings]:
    event = active_event()
    settings = selectors.vendor_settings(event=event) if event else None
    if event is None or settings is None:
        raise Http404(_("This convention has no dealers' den yet."))
    return event, settings


class DenView(View):
    """The public Dealers' Den: paid dealers with their tables, wares and links."""

    def get(self, request: HttpRequest) -> HttpResponse:
        event, settings = _den()
        context = {
            "event": event,
            "dealers": selectors.den_listing(event=event),
            "open": selectors.applications_open(now=timezone.now(), settings=settings),
            "settings": settings,
        }
        return render(request, "vendors/den.html", context)


class ApplyView(LoginRequiredMixin, View):
    def _form(self, event: Event, settings: VendorSettings, data: Any = None, **kwargs: Any):
        return ApplicationForm(
            data,
            table_types=selectors.table_types(event=event),
            max_tables=settings.max_tables_per_dealer,
            **kwargs,
        )

    def _page(self, request, event, settings, form, status=200) -> HttpResponse:
        context = {
            "event": event,
            "settings": settings,
            "form": form,
            "open": selectors.applications_open(now=timezone.now(), settings=settings),
        }
        return render(request, "vendors/apply.html", context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        event, settings = _den()
        mine = selectors.application_of_account(event=event, account_id=acting_account(request).pk)
        if mine is not None and mine.status != Application.Status.PENDING:
            return redirect("vendors:mine")
        form = self._form(
            event,
            settings,
            instance=mine,
            initial={
                "submission": secrets.token_urlsafe(16),
                "contact_name": acting_account(request).full_name,
            },
        )
        return self._page(request, event, settings, form)

    def post(self, request: HttpRequest) -> HttpResponse:
        event, settings = _den()
        account = acting_account(request)
        mine = selectors.application_of_account(event=event, account_id=account.pk)
        form = self._form(event, settings, request.POST, instance=mine)
        if not form.is_valid():
            return self._page(request, event, settings, form, status=400)
        try:
            if mine is None:
                application_submit(
                    event=event,
                    account=account,
                    data=form.to_input(),
                    submission=form.cleaned_data["submission"],
                )
            else:
                application_update(application_id=mine.pk, account=account, data=form.to_input())
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error.messages)
            return self._page(request, event, settings, form, status=400)
        messages.success(request, _("Your application is saved. The jury reviews it."))
        return redirect("vendors:mine")


class MineView(LoginRequiredMixin, View):
    """The dealer's own application: where it stands, the invoice, paying it."""

    def get(
        self, request: HttpRequest, *, form: PayForm | None = None, status: int = 200
    ) -> HttpResponse:
        event, settings = _den()
        mine = selectors.application_of_account(event=event, account_id=acting_account(request).pk)
        context = {
            "event": event,
            "settings": settings,
            "application": mine,
            "pay_form": form or PayForm(),
            "Status": Application.Status,
        }
        return render(request, "vendors/mine.html", context, status=status)

    def post(self, request: HttpRequest) -> HttpResponse:
        """Pay the invoice: the chosen provider takes over (Stripe, the card page, the door)."""
        event, _settings = _den()
        mine = selectors.application_of_account(event=event, account_id=acting_account(request).pk)
        if mine is None or mine.status != Application.Status.APPROVED:
            messages.error(request, _("There is no invoice to pay."))
            return self.get(request, status=409)
        form = PayForm(request.POST)
        if not form.is_valid():
            return self.get(request, form=form, status=400)
        invoice_choose_provider(application=mine, provider=form.cleaned_data["provider"])
        next_url = get_provider(mine.provider).start(payable=invoice_payable(mine))
        if next_url:
            return redirect(next_url)
        messages.success(
            request,
            _("Pay at the vendor desk when you arrive; your tables are held until the deadline."),
        )
        return redirect("vendors:mine")


class ReviewListView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The jury's list: each application with the juror's own score, and the jury's average and
    spread once they scored it; the vendor lead decides here too."""

    permission_required = "vendors.review_application"

    def get(self, request: HttpRequest) -> HttpResponse:
        event, settings = _den()
        rows = selectors.review_list(
            event=event,
            reviewer_id=acting_account(request).pk,
            statuses=tuple(Application.Status.values),
        )
        context = {
            "event": event,
            "rows": rows,
            "figures": selectors.hall_figures(event=event, settings=settings),
            "can_decide": request.user.has_perm("vendors.decide_application"),
            "Status": Application.Status,
        }
        return render(request, "vendors/review_list.html", context)


class ReviewView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "vendors.review_application"

    def _application(self, event: Event, application_id: int) -> Application:
        application = (
            Application.objects.select_related("table_type")
            .filter(event=event, pk=application_id)
            .first()
        )
        if application is None:
            raise Http404(_("No such application."))
        return application

    def get(
        self, request: HttpRequest, application_id: int, *, form=None, status=200, error=""
    ) -> HttpResponse:
        event, _settings = _den()
        application = self._application(event, application_id)
        context = {
            "event": event,
            "application": application,
            "form": form or ReviewForm(),
            "reviews": selectors.reviews_seen_by(
                application=application, reviewer_id=acting_account(request).pk
            ),
            "decision_form": DecisionForm(),
            "can_decide": request.user.has_perm("vendors.decide_application"),
            "error": error,
        }
        return render(request, "vendors/review.html", context, status=status)

    def post(self, request: HttpRequest, application_id: int) -> HttpResponse:
        event, _settings = _den()
        application = self._application(event, application_id)
        form = ReviewForm(request.POST)
        if not form.is_valid():
            return self.get(request, application_id, form=form, status=400)
        try:
            review_submit(
                application=application,
                reviewer=acting_account(request),
                score=form.cleaned_data["score"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            return self.get(
                request, application_id, form=form, status=400, error=" ".join(error.messages)
            )
        return redirect("vendors:review", application_id=application.pk)


class DecideView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "vendors.decide_application"

    def post(self, request: HttpRequest, application_id: int) -> HttpResponse:
        event, _settings = _den()
        application = Application.objects.filter(event=event, pk=application_id).first()
        if application is None:
            raise Http404(_("No such application."))
        form = DecisionForm(request.POST)
        if not form.is_valid():
            return ReviewView().get(
                request, application_id, status=400, error=_("Approve, waitlist or decline.")
            )
        try:
            decided = application_decide(
                application_id=application.pk,
                decision=form.cleaned_data["decision"],
                by=acting_account(request),
            )
        except ValidationError as error:
            return ReviewView().get(
                request, application_id, status=409, error=" ".join(error.messages)
            )
        messages.success(
            request,
            _("%(business)s: %(status)s.")
            % {"business": decided.business_name, "status": decided.get_status_display()},
        )
        return redirect("vendors:review-list")
