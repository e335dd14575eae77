"""The door's pages: the check-in desk (search, scan, the essentials card, check in, undo).
Thin: each checks permission, validates a form, calls a selector or one service, renders."""

from __future__ import annotations

import datetime as dt
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
from event.selectors import active_event, event_timezone
from kiosk import selectors
from kiosk.forms import ScanForm, SearchForm, UndoForm, new_nonce
from kiosk.services import RedeemResult, checkin_redeem, checkin_undo

DESK_SESSION_KEY = "kiosk_desk"


def _event() -> Event:
    event = active_event()
    if event is None:
        raise Http404("No event is active.")
    return event


class DeskMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "kiosk.operate_desk"
    raise_exception = False


def _desk_page(
    request: HttpRequest,
    *,
    event: Event,
    scan_form: ScanForm | None = None,
    result: RedeemResult | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    search = SearchForm(request.GET or None)
    found = (
        selectors.search_badges(event=event, query=search.cleaned_data["q"])
        if search.is_valid()
        else []
    )
    inside = selectors.checked_in_ids([r.pk for r in found])
    desk = request.session.get(DESK_SESSION_KEY, "")
    context: dict[str, Any] = {
        "event": event,
        "search": search,
        "found": [(r, selectors.essentials_of(r, event=event), r.pk in inside) for r in found],
        "scan_form": scan_form or ScanForm(initial={"nonce": new_nonce(), "desk": desk}),
        "next_nonce": new_nonce(),
        "desk": desk,
        "result": result,
        "error": error,
        "undo_form": UndoForm(initial={"checkin": result.checkin.pk})
        if result and result.checkin and not result.duplicate
        else None,
        "recent": selectors.recent_checkins(event=event),
        "tz": event_timezone(event),
    }
    return render(request, "kiosk/desk.html", context, status=status)


class DeskView(DeskMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return _desk_page(request, event=_event())


class DeskScanView(DeskMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        event = _event()
        form = ScanForm(request.POST)
        if not form.is_valid():
            return _desk_page(request, event=event, scan_form=form, status=400)
        data = form.cleaned_data
        request.session[DESK_SESSION_KEY] = data["desk"]
        try:
            result = checkin_redeem(
                event=event,
                secret=data["secret"],
                nonce=data["nonce"],
                kind=data["kind"],
                desk=data["desk"],
                operator_id=request.user.pk,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return _desk_page(request, event=event, scan_form=form, status=400)
        return _desk_page(request, event=event, result=result)


class DeskUndoView(DeskMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        event = _event()
        form = UndoForm(request.POST)
        if not form.is_valid():
            return _desk_page(
                request, event=event, error=_("There is no such check-in."), status=400
            )
        try:
            checkin_undo(checkin_id=form.cleaned_data["checkin"], operator_id=request.user.pk)
        except ValidationError as error:
            return _desk_page(request, event=event, error=" ".join(error.messages), status=400)
        messages.success(request, _("Check-in undone."))
        return redirect("kiosk:desk")


class DashboardView(DeskMixin, View):
    """Entries per hour and level, each desk's rate over the last 15 minutes, minors let in."""

    def get(self, request: HttpRequest) -> HttpResponse:
        event = _event()
        figures = selectors.dashboard(
            event=event, now=timezone.now(), window=dt.timedelta(minutes=15)
        )
        return render(
            request,
            "kiosk/dashboard.html",
            {"event": event, "figures": figures, "tz": event_timezone(event)},
        )
