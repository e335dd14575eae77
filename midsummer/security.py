"""Response headers that keep pages private and inert in the browser.

- ``PrivateResponseMiddleware``: a response that depends on who asks — a logged-in person's page
  or an API answer to a token — is never stored by a shared cache (``Cache-Control: private,
  no-store``), and varies on the ``Authorization`` header when one was sent.
- ``ContentSecurityPolicyMiddleware``: scripts, styles, images and frames only from the site
  itself; no inline script anywhere (our templates have none, and neither has Django's admin).
  The one inline ``<style>`` (a convention's colours) carries the request's nonce.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

PRIVATE = {"private": True, "no_store": True}


class PrivateResponseMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Authorization" in request.headers:
            patch_vary_headers(response, ["Authorization"])
            patch_cache_control(response, **PRIVATE)
        elif settings.SESSION_COOKIE_NAME in request.COOKIES and _logged_in(request):
            patch_cache_control(response, **PRIVATE)
        return response


def _logged_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def content_security_policy(nonce: str, *, inline_styles: bool = False) -> str:
    """The pages' policy. ``inline_styles``: for a vendored page whose script sets style
    attributes (the API's Swagger UI); scripts stay our own files only."""
    styles = "'unsafe-inline'" if inline_styles else f"'nonce-{nonce}'"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            f"style-src 'self' {styles}",
            "img-src 'self' data: blob:",
            "media-src 'self' blob:",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
        ]
    )


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]  # read by base.html
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", content_security_policy(nonce))
        return response
