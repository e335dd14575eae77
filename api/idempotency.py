"""``Idempotency-Key`` on the API's writes: a client that lost an answer sends the same request
with the same key again and gets the first answer back, the write done once.

The key is recorded in the write's own transaction before the write runs. A second request with
the key while the first is still running waits on the key's unique index and, once the first
commits, answers with its stored answer; if the first failed (an exception rolls its
transaction back) the key was never recorded and the retry runs the write. A key is one
client's (per OAuth application) and kept ``IDEMPOTENCY_KEEP_HOURS``; the same key with a
different request is refused (422)."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request

from api.models import IdempotentRequest
from api.problems import problem_response

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"

Handler = Callable[..., Any]

# For the schema of each write that takes the header.
KEY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    location=OpenApiParameter.HEADER,
    description="Any unique string (a UUID) per intended write: sent again with the same body, "
    "the write is done once and its first answer returned (header Idempotent-Replayed).",
)


def _fingerprint(request: Request) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.path, request.content_type or ""):
        digest.update(part.encode() + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def _replay(record: IdempotentRequest) -> HttpResponse:
    answer = HttpResponse(
        bytes(record.body), status=record.status_code, content_type=record.content_type
    )
    answer[REPLAYED_HEADER] = "true"
    return answer


def idempotent(handler: Handler) -> Handler:
    """Wrap a write view's ``post``: with an ``Idempotency-Key`` header, run it at most once
    per key (see the module's doc); without one, run it as it is."""

    @functools.wraps(handler)
    def wrapped(view: Any, request: Request, *args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER, "")
        if not key:
            return handler(view, request, *args, **kwargs)
        if len(key) > 255 or not key.isprintable():
            return problem_response(
                400, _("The Idempotency-Key must be at most 255 printable characters.")
            )
        fingerprint = _fingerprint(request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotentRequest.objects.create(
                        application_id=request.auth.application_id,
                        key=key,
                        fingerprint=fingerprint,
                    )
            except IntegrityError:
                record = IdempotentRequest.objects.get(
                    application_id=request.auth.application_id, key=key
                )
                if record.fingerprint != fingerprint:
                    return problem_response(
                        422,
                        _("This Idempotency-Key was used for a different request."),
                    )
                return _replay(record)
            answer = view.finalize_response(request, handler(view, request, *args, **kwargs))
            answer.render()
            if answer.status_code >= 500:
                transaction.set_rollback(True)  # a failure of ours: the retry runs again
                return answer
            record.status_code = answer.status_code
            record.body = answer.content
            record.content_type = answer.get("Content-Type", "application/json")
            record.save(update_fields=["status_code", "body", "content_type"])
        return answer

    return wrapped
