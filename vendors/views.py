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
from django.utils.translation import ngettext
from django.views import View

from event.models import Event
from event.selectors import active_event
from payments.providers import get_provider
from tenant.backends import acting_account
from tenant.exports import csv_writer
from tenant.models import User
from vendors import selectors
from vendors.forms import (
    ApplicationForm,
    CancelForm,
    DealerBadgeForm,
    DecisionForm,
    LayoutForm,
    PayForm,
    PhotoForm,
    PlaceForm,
    ReviewForm,
)
from vendors.models import Application, VendorSettings
from vendors.photos import PHOTOS_PER_APPLICATION
from vendors.services import (
    application_cancel,
    application_decide,
    application_submit,
    application_update,
    badges_included,
    dealer_badge_issue,
    hall_layout_set,
    invoice_choose_provider,
    invoice_payable,
    photo_add,
    photo_remove,
    review_submit,
    tables_place,
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
            "hall": selectors.hall_map(event=event),
            "open": selectors.applications_open(now=timezone.now(), settings=settings),
            "settings": settings,
        }
        return render(request, "vendors/den.html", context)


class ApplyView(LoginRequiredMixin, View):
    def _form(self, event: Event, settings: VendorSettings, data: Any = None, **kwargs: Any):
        return ApplicationForm(
            data,
            table_types=selectors.table_types(event=event),
            extras=selectors.extras(event=event),
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
        self,
        request: HttpRequest,
        *,
        form: PayForm | None = None,
        photo_form: PhotoForm | None = None,
        badge_form: DealerBadgeForm | None = None,
        status: int = 200,
    ) -> HttpResponse:
        event, settings = _den()
        mine = selectors.application_of_account(event=event, account_id=acting_account(request).pk)
        badges = list(mine.badges.all()) if mine else []
        context = {
            "event": event,
            "settings": settings,
            "application": mine,
            "pay_form": form or PayForm(),
            "photo_form": photo_form or PhotoForm(),
            "photos_left": PHOTOS_PER_APPLICATION - len(mine.photos.all()) if mine else 0,
            "badges": badges,
            "badges_left": badges_included(mine) - len(badges) if mine else 0,
            "badge_form": badge_form or DealerBadgeForm(),
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


def _my_application(request: HttpRequest) -> tuple[User, Application]:
    event, _settings = _den()
    account = acting_account(request)
    mine = selectors.application_of_account(event=event, account_id=account.pk)
    if mine is None:
        raise Http404(_("You have not applied."))
    return account, mine


def _refusal(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


class MyCancelView(LoginRequiredMixin, View):
    """The dealer withdraws an application or an unpaid invoice."""

    def post(self, request: HttpRequest) -> HttpResponse:
        account, mine = _my_application(request)
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Tick the box to say you are sure."))
            return MineView().get(request, status=400)
        try:
            application_cancel(
                application_id=mine.pk, by=account, dealer=True, note="by the dealer"
            )
        except ValidationError as error:
            _refusal(request, error)
            return MineView().get(request, status=409)
        messages.success(request, _("Your application is cancelled."))
        return redirect("vendors:mine")


class MyPhotosView(LoginRequiredMixin, View):
    """Add a photo of work to a pending application, or remove one."""

    def post(self, request: HttpRequest) -> HttpResponse:
        account, mine = _my_application(request)
        form = PhotoForm(request.POST, request.FILES)
        try:
            if "remove" in request.POST:
                photo_remove(photo_id=int(request.POST["remove"] or 0), account=account)
            else:
                if not form.is_valid():
                    return MineView().get(request, photo_form=form, status=400)
                photo_add(
                    application_id=mine.pk, account=account, upload=form.cleaned_data["image"]
                )
        except ValueError:
            raise Http404(_("No such photo.")) from None
        except ValidationError as error:
            form.is_valid()  # bound: errors can be added (a removal sends no file)
            form.errors.pop("image", None)
            form.add_error(None, error.messages)
            return MineView().get(request, photo_form=form, status=400)
        return redirect("vendors:mine")


class MyBadgesView(LoginRequiredMixin, View):
    """A paid dealer names the holder of one of their table's badges."""

    def post(self, request: HttpRequest) -> HttpResponse:
        account, mine = _my_application(request)
        form = DealerBadgeForm(request.POST)
        if not form.is_valid():
            return MineView().get(request, badge_form=form, status=400)
        try:
            dealer_badge_issue(application_id=mine.pk, account=account, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
            return MineView().get(request, badge_form=form, status=409)
        messages.success(
            request,
            _("The badge of %(name)s is issued; its confirmation goes to %(email)s.")
            % {"name": form.cleaned_data["badge_name"], "email": form.cleaned_data["email"]},
        )
        return redirect("vendors:mine")


class LeadCancelView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The vendor lead cancels an application; a paid one gets its money back."""

    permission_required = "vendors.decide_application"

    def post(self, request: HttpRequest, application_id: int) -> HttpResponse:
        event, _settings = _den()
        application = Application.objects.filter(event=event, pk=application_id).first()
        if application is None:
            raise Http404(_("No such application."))
        form = CancelForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            cancelled = application_cancel(
                application_id=application.pk, by=acting_account(request), note=note
            )
        except ValidationError as error:
            return ReviewView().get(
                request, application_id, status=409, error=" ".join(error.messages)
            )
        messages.success(
            request, _("%(business)s is cancelled.") % {"business": cancelled.business_name}
        )
        return redirect("vendors:review-list")


class HallView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The vendor lead's hall: the layout, paid dealers to place, requests not honoured."""

    permission_required = "vendors.place_dealers"

    def get(self, request: HttpRequest, *, layout_form=None, status: int = 200) -> HttpResponse:
        event, settings = _den()
        context = {
            "event": event,
            "settings": settings,
            "hall": selectors.hall_map(event=event),
            "dealers": selectors.dealers_to_place(event=event),
            "warnings": selectors.seating_warnings(event=event),
            "layout_form": layout_form or LayoutForm(),
        }
        return render(request, "vendors/hall.html", context, status=status)


class HallLayoutView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "vendors.place_dealers"

    def post(self, request: HttpRequest) -> HttpResponse:
        event, _settings = _den()
        form = LayoutForm(request.POST)
        if not form.is_valid():
            return HallView().get(request, layout_form=form, status=400)
        try:
            count = hall_layout_set(event=event, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
            return HallView().get(request, layout_form=form, status=409)
        messages.success(request, _("The hall has %(count)s tables.") % {"count": count})
        return redirect("vendors:hall")


class HallPlaceView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "vendors.place_dealers"

    def post(self, request: HttpRequest) -> HttpResponse:
        event, _settings = _den()
        form = PlaceForm(request.POST)
        application = (
            Application.objects.filter(event=event, pk=form.data.get("application") or 0).first()
            if str(form.data.get("application", "")).isdigit()
            else None
        )
        if not form.is_valid() or application is None:
            messages.error(request, _("Choose a dealer and name their tables."))
            return HallView().get(request, status=400)
        try:
            placed = tables_place(application_id=application.pk, labels=form.cleaned_data["labels"])
        except ValidationError as error:
            _refusal(request, error)
            return HallView().get(request, status=409)
        messages.success(
            request,
            _("%(business)s: %(tables)s.")
            % {"business": placed.business_name, "tables": placed.table_numbers},
        )
        for warning in selectors.seating_warnings(event=event):
            if warning.application.pk == placed.pk or warning.other == placed.business_name:
                messages.warning(request, _seating_message(warning))
        return redirect("vendors:hall")


def _seating_message(warning: selectors.SeatingWarning) -> str:
    values = {
        "business": warning.application.business_name,
        "other": warning.other,
        "distance": warning.distance,
    }
    if warning.wanted_near:
        return (
            ngettext(
                "%(business)s asked to sit near %(other)s: they are %(distance)s table apart.",
                "%(business)s asked to sit near %(other)s: they are %(distance)s tables apart.",
                warning.distance,
            )
            % values
        )
    return (
        ngettext(
            "%(business)s asked to sit away from %(other)s: they are %(distance)s table apart.",
            "%(business)s asked to sit away from %(other)s: they are %(distance)s tables apart.",
            warning.distance,
        )
        % values
    )


class ReportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Tables sold per type, revenue, applications per category and state, the jury's agreement;
    every application as CSV."""

    permission_required = "vendors.decide_application"

    def get(self, request: HttpRequest) -> HttpResponse:
        event, settings = _den()
        context = {
            "event": event,
            "settings": settings,
            "report": selectors.den_report(event=event),
            "figures": selectors.hall_figures(event=event, settings=settings),
        }
        return render(request, "vendors/report.html", context)


class ReportCsvView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "vendors.decide_application"

    def get(self, request: HttpRequest) -> HttpResponse:
        event, settings = _den()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="dealer-applications.csv"'
        writer = csv_writer(response)
        writer.writerow(
            [
                "reference",
                "business",
                "status",
                "table type",
                "tables",
                "extras",
                "partners",
                "categories",
                "reviews",
                "average score",
                f"total ({settings.currency})",
                f"refunded ({settings.currency})",
                "paid at",
                "tables placed",
                "website",
            ]
        )
        for a in selectors.applications_for_export(event=event):
            writer.writerow(
                [
                    a.reference,
                    a.business_name,
                    a.status,
                    a.table_type.name,
                    a.tables,
                    ", ".join(extra.name for extra in a.extras.all()),
                    a.partners,
                    a.categories,
                    a.review_count,  # type: ignore[attr-defined]
                    f"{a.review_average:.1f}"  # type: ignore[attr-defined]
                    if a.review_average is not None  # type: ignore[attr-defined]
                    else "",
                    a.total,
                    a.refunded_total,
                    a.paid_at.isoformat() if a.paid_at else "",
                    a.table_numbers,
                    a.website,
                ]
            )
        return response
