"""The shop's pages: the catalogue with checkout, the buyer's order with its pickup code, and
the merch desk. Thin: permission, a form, a selector or one service, a page."""

from __future__ import annotations

import secrets
from typing import Any

import segno
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
from register.selectors import registration_settings
from shop import selectors
from shop.forms import CheckoutForm, DeskLookupForm, quantities
from shop.services import line_hand_out, order_payable, order_place
from tenant.backends import acting_account


def _event() -> Event:
    event = active_event()
    if event is None:
        raise Http404(_("The shop is closed."))
    return event


class CatalogueView(View):
    def _page(self, request: HttpRequest, event: Event, *, form=None, errors=(), status=200):
        context: dict[str, Any] = {
            "event": event,
            "catalogue": selectors.catalogue(event=event, now=timezone.now()),
            "currency": registration_settings(event=event).currency,
            "form": form or CheckoutForm(initial={"submission": secrets.token_urlsafe(16)}),
            "errors": errors,
        }
        return render(request, "shop/catalogue.html", context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, _event())

    def post(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        event = _event()
        form = CheckoutForm(request.POST)
        try:
            items = quantities(request.POST)
        except ValidationError as error:
            return self._page(request, event, form=form, errors=error.messages, status=400)
        if not form.is_valid():
            return self._page(request, event, form=form, status=400)
        try:
            order = order_place(
                event=event,
                account=acting_account(request),
                items=items,
                provider=form.cleaned_data["provider"],
                submission=form.cleaned_data["submission"],
            )
        except ValidationError as error:
            return self._page(request, event, form=form, errors=error.messages, status=409)
        next_url = get_provider(order.provider).start(payable=order_payable(order))
        return redirect(next_url or order_payable(order).return_url)


class OrderView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        order = selectors.order_of_account(
            reference=reference, account_id=acting_account(request).pk
        )
        if order is None:
            raise Http404(_("No such order."))
        qr = (
            segno.make(order.pickup_token, error="m").svg_inline(scale=4, title=_("Pickup code"))
            if order.status == order.Status.PAID
            else ""
        )
        return render(request, "shop/order.html", {"order": order, "qr": qr})


class DeskView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The merch desk, on a phone: scan or type the pickup code, hand out line by line."""

    permission_required = "shop.hand_out"

    def _page(
        self, request: HttpRequest, event: Event, code: str, errors: list[str], status: int = 200
    ) -> HttpResponse:
        lookup = DeskLookupForm({"code": code} if code else None)
        order = selectors.order_for_desk(event=event, code=code) if code else None
        if code and order is None:
            errors, status = [_("No order of this convention has this code.")], 404
        context = {
            "event": event,
            "lookup": lookup,
            "order": order,
            "lines": selectors.desk_lines(order) if order else [],
            "errors": errors,
        }
        return render(request, "shop/desk.html", context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, _event(), request.GET.get("code", "")[:64], [])

    def post(self, request: HttpRequest) -> HttpResponse:
        """Find an order by the code sent (scanned: the pickup secret stays out of addresses
        and logs; the page's address carries the reference), or hand out one piece of it."""
        event = _event()
        code, line = request.POST.get("code", "")[:64], request.POST.get("line", "")
        order = selectors.order_for_desk(event=event, code=code)
        if order is not None and "line" not in request.POST:
            return redirect(f"{request.path}?code={order.reference}")
        if order is None or not line.isdigit():
            return self._page(request, event, code or "-", [], status=404)
        try:
            handed = line_hand_out(order=order, line_id=int(line))
        except ValidationError as error:
            return self._page(request, event, order.reference, error.messages, status=409)
        messages.success(
            request,
            _("Handed out: %(item)s (%(done)s of %(count)s).")
            % {"item": handed.variant, "done": handed.picked_up, "count": handed.quantity},
        )
        return redirect(f"{request.path}?code={order.reference}")
