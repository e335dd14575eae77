"""The devices' API (JSON), shaped after pretix's check-in API: redeem a scan, download what an
offline device needs, upload what it did offline. A device authenticates with a bearer token of
one of the convention's OAuth clients (client credentials, ``/o/token/``) that the organizers
enrolled as a ``Device``; a token of another convention is refused by the validator
(tenant/oauth.py), a client that is not an enrolled device here gets 403. Every refusal is
JSON with a message; nothing a device sends answers 5xx."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.oauth2_backends import get_oauthlib_core

from event.models import Event
from event.selectors import active_event
from kiosk import selectors
from kiosk.forms import BADGE_STOCK, ApiScanForm, form_errors_text
from kiosk.models import CheckIn, Device
from kiosk.services import (
    OfflineScan,
    badges_pdf_of,
    checkin_redeem,
    offline_sync,
    print_job_finish,
    print_job_take,
    signing_key_of,
)
from kiosk.signing import public_key_text

MAX_UPLOAD = 1000


def _error(status: int, reason: str, message: str) -> JsonResponse:
    return JsonResponse({"status": "error", "reason": reason, "message": message}, status=status)


@method_decorator(csrf_exempt, name="dispatch")
class DeviceApiView(View):
    """Authenticates the device and finds the active event before any handler runs."""

    device: Device
    event: Event

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        valid, oauth = get_oauthlib_core().verify_request(request, scopes=[])
        if not valid or oauth.access_token is None:
            response = _error(401, "unauthorized", _("A valid device token is required."))
            response["WWW-Authenticate"] = 'Bearer realm="kiosk"'
            return response
        device = (
            selectors.device_of_application(application_id=oauth.access_token.application_id)
            if oauth.access_token.user_id is None
            else None
        )
        if device is None:
            return _error(403, "forbidden", _("This client is not a check-in device here."))
        event = active_event()
        if event is None:
            return _error(404, "no_event", _("No event is active."))
        self.device, self.event = device, event
        return super().dispatch(request, *args, **kwargs)

    def json_body(self) -> Any:
        try:
            return json.loads(self.request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            return None


class RedeemApiView(DeviceApiView):
    def post(self, request: HttpRequest) -> HttpResponse:
        body = self.json_body()
        form = ApiScanForm(body if isinstance(body, dict) else None)
        if not form.is_valid():
            return _error(400, "bad_request", form_errors_text(form) or _("A JSON object."))
        data = form.cleaned_data
        try:
            result = checkin_redeem(
                event=self.event,
                secret=data["secret"],
                nonce=data["nonce"],
                kind=data["type"],
                scanned_at=data["datetime"],
                source=CheckIn.Source.DEVICE,
                desk=self.device.name,
                device=self.device,
            )
        except ValidationError as error:
            return _error(400, "bad_request", " ".join(error.messages))
        if result.status == "ok":
            status = 200 if result.duplicate else 201
        else:
            status = 404 if result.reason == "invalid" else 400
        return JsonResponse(result.as_json(), status=status)


class OfflineDataApiView(DeviceApiView):
    def get(self, request: HttpRequest) -> HttpResponse:
        key = signing_key_of(event=self.event)
        return JsonResponse(
            {
                "event": self.event.pk,
                "algorithm": "Ed25519",
                "public_key": public_key_text(bytes(key.public_key)),
                **selectors.revocation_list(event=self.event),
            }
        )


class OfflineSyncApiView(DeviceApiView):
    def post(self, request: HttpRequest) -> HttpResponse:
        body = self.json_body()
        items = body.get("scans") if isinstance(body, dict) else None
        if not isinstance(items, list) or len(items) > MAX_UPLOAD:
            return _error(400, "bad_request", _("Send {'scans': [...]} with at most 1000 scans."))
        scans = []
        for index, item in enumerate(items):
            form = ApiScanForm(item if isinstance(item, dict) else None)
            if not form.is_valid() or form.cleaned_data["datetime"] is None:
                problem = form_errors_text(form) if form.is_bound else _("not an object")
                return _error(
                    400, "bad_request", f"scans[{index}]: {problem or _('datetime is required')}"
                )
            data = form.cleaned_data
            scans.append(OfflineScan(data["secret"], data["nonce"], data["type"], data["datetime"]))
        report = offline_sync(event=self.event, device=self.device, scans=scans)
        return JsonResponse({"status": "ok", **report.as_json()})


class PrintNextApiView(DeviceApiView):
    """A print station polling for work: takes the oldest queued badge, or answers 204."""

    def post(self, request: HttpRequest) -> HttpResponse:
        job = print_job_take(station=self.device.name)
        if job is None:
            return HttpResponse(status=204)
        return JsonResponse(
            {
                "job": job.pk,
                "badge_name": job.registration.badge_name,
                "reason": job.reason,
                "pdf": {
                    size: reverse("kiosk:api-print-pdf", args=[job.pk]) + f"?size={size}"
                    for size, _label in BADGE_STOCK
                },
            },
            status=201,
        )


class PrintPdfApiView(DeviceApiView):
    def get(self, request: HttpRequest, job_id: int) -> HttpResponse:
        job = selectors.print_job(job_id=job_id)
        size = request.GET.get("size", "cr80")
        if job is None or size not in dict(BADGE_STOCK):
            return _error(404, "not_found", _("There is no such print job or badge stock."))
        pdf = badges_pdf_of(registrations=[job.registration], size=size)
        return HttpResponse(pdf, content_type="application/pdf")


class PrintDoneApiView(DeviceApiView):
    def post(self, request: HttpRequest, job_id: int) -> HttpResponse:
        body = self.json_body()
        printed = body.get("printed") if isinstance(body, dict) else None
        if not isinstance(printed, bool):
            return _error(400, "bad_request", _('Send {"printed": true} or {"printed": false}.'))
        try:
            job = print_job_finish(
                job_id=job_id, printed=printed, failure=str(body.get("failure", ""))[:200]
            )
        except ValidationError as error:
            return _error(409, "conflict", " ".join(error.messages))
        return JsonResponse({"status": "ok", "job": job.pk, "state": job.status})
