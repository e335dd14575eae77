"""Throttling: who a client is, login throttling (django-axes) keyed on the account, and the
counters of other guessable secrets (discount codes, OAuth client secrets).

Failed log-ins are stored in the public schema, so guesses against one account spread over
many conventions' hosts add up to one count; case and spaces in the email do not start a new
count either.

Every throttle that counts per client address (log-ins, discount-code guesses, client secrets)
asks ``client_ip``: behind ``TRUSTED_PROXY_COUNT`` reverse proxies the address comes from
``X-Forwarded-For`` exactly as axes reads it, so buyers behind one proxy do not share one count.
"""

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: Any) -> str:
    """The client's address as the login throttle sees it: axes' resolution (django-ipware
    with ``AXES_IPWARE_PROXY_COUNT``, from ``TRUSTED_PROXY_COUNT``). When a forwarded chain
    does not have the expected shape, the connecting address (the proxy's) is used: a count
    shared too widely errs on the side of throttling, never of letting guesses through.
    ``request`` is a Django request, or anything with a ``META``-like mapping (an OAuth
    request's headers)."""
    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR", "")


@dataclass(frozen=True)
class FailureThrottle:
    """At most ``limit`` failures per ``window`` for each key (an account, an address, a
    client), counted in the cache — per tenant, since cache keys carry the schema."""

    name: str
    limit: int
    window: dt.timedelta

    def _keys(self, parts: Iterable[str]) -> list[str]:
        return [f"throttle:{self.name}:{part}" for part in parts]

    def allows(self, parts: Iterable[str]) -> bool:
        counts = cache.get_many(self._keys(parts))
        return all(count < self.limit for count in counts.values())

    def record_failure(self, parts: Iterable[str]) -> None:
        for key in self._keys(parts):
            cache.add(key, 0, timeout=int(self.window.total_seconds()))
            cache.incr(key)


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
