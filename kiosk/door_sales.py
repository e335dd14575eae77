"""Selling badges at the door. On the self-service kiosk a walk-up fills in their details and
gets an order reference; at the cashier's page a desk operator finds that order, takes cash or
card and its badges go straight to the print queue. The money and the places are
registration's: its services place and pay the order under its locks."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from event.models import Event
from kiosk import selectors
from kiosk.forms import CashierLookupForm, CashierPayForm
from kiosk.self_service import MODE, _not_a_kiosk
from kiosk.services import door_payment_take, walk_up_order_place
from kiosk.views import DeskMixin, _event
from register.forms import AttendeeForm, attendee_form_options
from register.selectors import level_offers, registration_settings
from register.services import DuplicateSubmissionError
from tenant.backends import acting_account
from tenant.throttling import FailureThrottle

# Orders one tablet may place in a window: each holds places until paid or cancelled, so a
# prankster at the kiosk cannot hold the hall's last badges for long.
WALK_UP_ORDERS = FailureThrottle(name="kiosk-walk-up", limit=10, window=dt.timedelta(minutes=15))


class SelfServiceBuyView(View):
    def _context(self, event: Event, data: Any = None) -> dict[str, Any]:
        currency = registration_settings(event=event).currency
        offers = level_offers(event=event, now=timezone.now())
        options = attendee_form_options(event=event, offers=offers, currency=currency)
        return {
            "event": event,
            "form": AttendeeForm(data, prefix="attendee", **options),
            "submission": (data or {}).get("submission") or secrets.token_urlsafe(16),
        }

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.session.get(MODE):
            return _not_a_kiosk(request)
        return render(request, "kiosk/self_buy.html", self._context(_event()))

    def post(self, request: HttpRequest) -> HttpResponse:
        if not request.session.get(MODE):
            return _not_a_kiosk(request)
        event = _event()
        context = self._context(event, request.POST)
        form, tablet = context["form"], [f"session:{request.session.session_key}"]
        if not WALK_UP_ORDERS.allows(tablet):
            context["errors"] = [_("Too many orders from this kiosk: please ask at the desk.")]
            return render(request, "kiosk/self_buy.html", context, status=429)
        if not form.is_valid():
            return render(request, "kiosk/self_buy.html", context, status=400)
        try:
            order = walk_up_order_place(
                event=event, attendee=form.to_input(), submission=context["submission"][:64]
            )
        except DuplicateSubmissionError as placed:  # sent twice: the order it placed
            found = selectors.order_for_cashier(event=event, reference=placed.reference)
            if found is None:  # pragma: no cover - the order exists: it raised with it
                raise
            order = found
        except ValidationError as error:
            context["errors"] = error.messages
            return render(request, "kiosk/self_buy.html", context, status=400)
        else:
            WALK_UP_ORDERS.record_failure(tablet)
        return render(request, "kiosk/self_buy_done.html", {"order": order})


def _cashier_page(
    request: HttpRequest,
    *,
    event: Event,
    lookup: CashierLookupForm,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    order = (
        selectors.order_for_cashier(event=event, reference=lookup.cleaned_data["order"])
        if lookup.is_bound and lookup.is_valid()
        else None
    )
    if lookup.is_bound and lookup.is_valid() and order is None:
        errors = [*(errors or []), _("No order of this event has this reference.")]
        status = 404 if status == 200 else status
    context = {
        "event": event,
        "lookup": lookup,
        "order": order,
        "pay_form": CashierPayForm(initial={"order": order.reference}) if order else None,
        "waiting": selectors.door_orders_waiting(event=event),
        "errors": errors or [],
    }
    return render(request, "kiosk/cashier.html", context, status=status)


class CashierView(DeskMixin, View):
    """Find a door order by its reference; the walk-ups waiting to pay are listed."""

    def get(self, request: HttpRequest) -> HttpResponse:
        lookup = CashierLookupForm(request.GET if "order" in request.GET else None)
        return _cashier_page(request, event=_event(), lookup=lookup)


class CashierPayView(DeskMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        event = _event()
        form = CashierPayForm(request.POST)
        lookup = CashierLookupForm({"order": request.POST.get("order", "")})
        if not form.is_valid():
            return _cashier_page(
                request,
                event=event,
                lookup=lookup,
                errors=[_("Choose cash or card terminal.")],
                status=400,
            )
        order = selectors.order_for_cashier(event=event, reference=form.cleaned_data["order"])
        if order is None:
            return _cashier_page(request, event=event, lookup=lookup, status=404)
        try:
            paid, jobs = door_payment_take(
                order=order, cashier=acting_account(request), method=form.cleaned_data["method"]
            )
        except ValidationError as error:
            return _cashier_page(
                request, event=event, lookup=lookup, errors=error.messages, status=400
            )
        messages.success(
            request,
            _("Order %(reference)s is paid; %(count)s badge(s) sent to the print queue.")
            % {"reference": paid.reference, "count": len(jobs)},
        )
        return redirect("kiosk:cashier")
