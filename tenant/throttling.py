"""Login throttling (django-axes) keyed on the account, not on the host.

Failed attempts are stored in the public schema, so guesses against one account spread over
many conventions' hosts add up to one count; case and spaces in the email do not start a new
count either.
"""

import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def axes_username(request: HttpRequest | None, credentials: dict | None) -> str:
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username", "")
    return (raw or "").strip().lower()


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """Say what happened and when to try again (429, with Retry-After)."""
    cool_off = settings.AXES_COOLOFF_TIME
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60))
    response = render(
        request,
        "accounts/locked_out.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "username": axes_username(request, credentials),
            "cooloff_minutes": minutes,
        },
        status=429,
    )
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
