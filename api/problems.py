"""Every API error in one shape: RFC 9457 problem details (``application/problem+json``) with
a ``detail`` people can read and, for bad input, ``errors`` per field."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_TYPE = "application/problem+json"


def problem_response(status: int, detail: str, **extra: Any) -> Response:
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status}
    return Response(body | {"detail": detail} | extra, status=status, content_type=PROBLEM_TYPE)


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = exception_handler(exc, context)
    if response is None:
        return None  # not an API error: Django's own handling (and its 500 page)
    data = response.data
    if isinstance(data, dict) and set(data) <= {"detail"}:
        problem = problem_response(response.status_code, str(data.get("detail", "")))
    else:
        problem = problem_response(
            response.status_code, _("Some fields are not right: see errors."), errors=data
        )
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            problem[header] = response[header]
    return problem
