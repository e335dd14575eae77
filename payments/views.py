from __future__ import annotations

import logging

import stripe
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from payments.forms import SimulatedCardForm
from payments.kinds import Payable, PayableKind, PaymentConflictError, payable_kind
from payments.providers import SimulatedCardProvider
from payments.services import stripe_event_handle

logger = logging.getLogger(__name__)


class SimulatedPaymentView(LoginRequiredMixin, View):
    """The demo card form for anything sold here: 4242 4242 4242 4242 pays, anything else is
    declined. Only the buyer reaches their own payable; anyone else gets 404."""

    def dispatch(self, request, *args, **kwargs):
        if not settings.DEBUG:  # the provider refuses to exist in production
            raise Http404("Simulated payments are for development only.")
        return super().dispatch(request, *args, **kwargs)

    def _payable(self, request, kind_key: str, reference: str) -> tuple[PayableKind, Payable]:
        kind = payable_kind(kind_key)
        payable = kind.find(reference, account_id=request.user.pk) if kind else None
        if kind is None or payable is None:
            raise Http404
        return kind, payable

    def _render(self, request, payable: Payable, form, *, status: int = 200, **flags):
        context = {"payable": payable, "form": form, **flags}
        return render(request, "payments/pay_simulated.html", context, status=status)

    def get(self, request, kind, reference):
        _, payable = self._payable(request, kind, reference)
        if not payable.awaiting_payment:
            return redirect(payable.return_url)
        return self._render(request, payable, SimulatedCardForm())

    def post(self, request, kind, reference):
        payable_kind_, payable = self._payable(request, kind, reference)
        form = SimulatedCardForm(request.POST)
        if not form.is_valid():
            return self._render(request, payable, form, status=400)
        if form.cleaned_data["card_number"] != SimulatedCardProvider.APPROVED:
            return self._render(request, payable, form, status=402, declined=True)
        try:
            payable_kind_.mark_paid(
                reference, amount=payable.total, by=request.user, note="simulated"
            )
        except PaymentConflictError:
            return self._render(request, payable, form, status=409, expired=True)
        except ValidationError as error:
            return self._render(request, payable, form, status=409, errors=error.messages)
        return redirect(payable.return_url)


@method_decorator(csrf_exempt, name="dispatch")
class StripeWebhookView(View):
    """Stripe calls this; the signature (checked offline) is the only authentication."""

    def post(self, request):
        try:
            event = stripe.Webhook.construct_event(
                request.body,
                request.headers.get("Stripe-Signature", ""),
                settings.STRIPE_WEBHOOK_SECRET,
            )
        except (ValueError, stripe.SignatureVerificationError):
            return JsonResponse({"error": "The Stripe signature does not verify."}, status=400)
        try:
            outcome = stripe_event_handle(
                event_id=event["id"],
                event_type=event["type"],
                data=event["data"]["object"].to_dict(),
            )
        except stripe.StripeError:
            logger.exception("Stripe call failed while handling %s; Stripe will retry", event["id"])
            return JsonResponse({"error": "Temporarily unable to process; retry."}, status=503)
        return JsonResponse({"outcome": outcome})
