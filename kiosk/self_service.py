"""The self-service kiosk: a page a convention runs on a tablet at the door. An operator starts
it (which signs the operator out on that tablet: attendees never get the operator's rights);
an attendee finds their order by e-mail and confirmation code, checks their badges' details
and sends them to the print queue. It shows one order at a time, forgets it after the badges
are queued or after ``IDLE`` without a touch, and wrong codes are throttled per tablet."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from kiosk import selectors
from kiosk.forms import SelfLookupForm
from kiosk.services import print_jobs_for_order
from kiosk.views import DeskMixin, _event
from register.models import Order
from tenant.throttling import FailureThrottle

MODE = "kiosk_self_mode"
ORDER = "kiosk_self_order"
SEEN = "kiosk_self_seen"
IDLE = dt.timedelta(minutes=2)
LOOKUP_THROTTLE = FailureThrottle(
    name="kiosk-self-lookup", limit=10, window=dt.timedelta(minutes=15)
)


class SelfServiceStartView(DeskMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        logout(request)
        request.session[MODE] = True
        return redirect("kiosk:self")


def _not_a_kiosk(request: HttpRequest) -> HttpResponse:
    return render(request, "kiosk/self_off.html", status=403)


def _current_order(request: HttpRequest, now: dt.datetime) -> tuple[Order | None, bool]:
    """The order the tablet shows now, and whether an earlier one expired for inactivity."""
    order_id, seen = request.session.get(ORDER), request.session.get(SEEN)
    if order_id is None:
        return None, False
    if seen is None or now - dt.datetime.fromisoformat(seen) > IDLE:
        request.session.pop(ORDER, None)
        return None, True
    request.session[SEEN] = now.isoformat()
    return Order.objects.filter(pk=order_id).first(), False


class SelfServiceView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.session.get(MODE):
            return _not_a_kiosk(request)
        order, expired = _current_order(request, timezone.now())
        return self._page(request, order=order, expired=expired, form=SelfLookupForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        if not request.session.get(MODE):
            return _not_a_kiosk(request)
        event = _event()
        form = SelfLookupForm(request.POST)
        parts = [f"session:{request.session.session_key}"]
        if not LOOKUP_THROTTLE.allows(parts):
            form.add_error(None, _("Too many attempts: please ask at the registration desk."))
            return self._page(request, order=None, form=form, status=429)
        if not form.is_valid():
            return self._page(request, order=None, form=form, status=400)
        order = selectors.order_for_self_service(
            event=event, email=form.cleaned_data["email"], reference=form.cleaned_data["reference"]
        )
        if order is None:
            LOOKUP_THROTTLE.record_failure(parts)
            form.add_error(
                None, _("No paid order matches this e-mail and code. Please check both.")
            )
            return self._page(request, order=None, form=form, status=400)
        request.session[ORDER], request.session[SEEN] = order.pk, timezone.now().isoformat()
        return self._page(request, order=order, form=None)

    def _page(
        self,
        request: HttpRequest,
        *,
        order: Order | None,
        form: SelfLookupForm | None,
        expired: bool = False,
        status: int = 200,
    ) -> HttpResponse:
        badges = selectors.self_service_badges(order_id=order.pk) if order else []
        return render(
            request,
            "kiosk/self.html",
            {"order": order, "badges": badges, "form": form, "expired": expired},
            status=status,
        )


class SelfServicePrintView(View):
    def post(self, request: HttpRequest) -> HttpResponse:
        if not request.session.get(MODE):
            return _not_a_kiosk(request)
        order, expired = _current_order(request, timezone.now())
        if order is None:
            return redirect("kiosk:self")
        jobs = print_jobs_for_order(order=order, requested_by_id=None)
        request.session.pop(ORDER, None)
        return render(request, "kiosk/self_done.html", {"count": len(jobs)})


class SelfServiceCancelView(View):
    def post(self, request: HttpRequest) -> HttpResponse:
        request.session.pop(ORDER, None)
        return redirect("kiosk:self")
