"""The database or Redis briefly gone: every request answers 503 with ``Retry-After``, never 500.

A lost PostgreSQL connection surfaces as ``OperationalError``/``InterfaceError`` (a lost Redis
as redis-py's ``ConnectionError``/``TimeoutError``) wherever the request happens to be: the
host's resolution in the TenantMiddleware, a view, a template, the session's save. Each path
ends in the same answer:

- resolving a host that is not in the route cache: the TenantMiddleware answers 503 itself;
- a view, or rendering its response: ``process_exception`` of this middleware (first in
  ``MIDDLEWARE``) answers 503;
- any other middleware: Django's handler has already turned the error into a 500 (the error
  page, or the debug page) before a middleware above sees it, sending ``got_request_exception``
  on the way, whose receiver marks the request: this middleware answers 503 in the 500's
  place. The 500 handler (``midsummer.errors.server_error``) answers 503 itself for these
  errors, so in production no branded page is attempted against a database that is gone.

The 503 page renders from a template alone — no context processors, so no query and no
branding from the database: the convention's name when its route was resolved from memory,
the platform's look otherwise. JSON clients (``/api/``, ``/o/``) get JSON. Whatever the request
was writing was in a transaction that the lost connection rolled back; the persistent connection
is found broken and replaced by the next request (Django closes unusable connections).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

import psycopg
import redis
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django_tenants.utils import get_public_schema_name

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)
_MARK = "midsummer_service_unavailable"


def is_unavailable_error(error: BaseException | None) -> bool:
    """The error, or one it was raised from or while handling, says the database or Redis
    could not be reached (or dropped the connection)."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, UNAVAILABLE_ERRORS):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def unavailable_response(request: HttpRequest, error: BaseException | None = None) -> HttpResponse:
    """503 with ``Retry-After``, rendered without touching the database or the cache; the
    cause in one log line (Django logs the 503 itself, with the request's path)."""
    if error is not None:
        logger.warning("database or cache unavailable: %s", _first_line(error))
    message = gettext("This site is briefly unavailable. Please try again in a few seconds.")
    wants_json = request.path.startswith(("/api/", "/o/")) or "application/json" in (
        request.headers.get("Accept", "")
    )
    response: HttpResponse
    if wants_json:
        response = JsonResponse({"error": "unavailable", "detail": message}, status=503)
    else:
        tenant = getattr(request, "tenant", None)
        convention = (
            tenant.name
            if tenant is not None and tenant.schema_name != get_public_schema_name()
            else ""
        )
        response = HttpResponse(
            render_to_string("errors/503.html", {"convention": convention, "message": message}),
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def note_unavailable(sender: object, request: HttpRequest | None = None, **kwargs: object) -> None:
    """``got_request_exception`` receiver: remember that this request failed because the
    database or Redis is gone (the exception being handled says so)."""
    if request is not None and is_unavailable_error(sys.exception()):
        setattr(request, _MARK, True)


class ServiceUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, _MARK, False) and response.status_code == 500:
            return unavailable_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_unavailable_error(exception):
            return None
        return unavailable_response(request, exception)
