"""The reverse proxy's "ask" endpoint for on-demand TLS (``deploy/Caddyfile``).

Before Caddy obtains a certificate for a host it has never seen (a TLS handshake naming it), it
asks ``GET /internal/tls-ask?domain=<host>``: 200 means "get one", anything else "refuse the
handshake". Without this check anyone pointing a DNS name at the platform would make it request
certificates (and exhaust the CA's rate limits).

Yes for exactly the hosts Midsummer serves: a platform ``Domain`` and a **verified**
``CustomDomain`` of a convention that is not deactivated — the same rule and the same cached
route lookup as the request routing (``tenant.routing.resolver``), so the proxy and the app never
disagree. No for everything else, unverified custom domains included, with the same 404 and the
same body as an unknown host: the answer tells nothing a visit to the host would not.

Caddy's request carries the upstream's own address as its host (``web:8000``), which is no
platform host, so the endpoint is matched by path before the tenant is resolved (like
``/healthz``) and sits first after the outage middleware: a database gone answers 503 (no). The
proxy refuses ``/internal/`` from outside (``deploy/Caddyfile``); what it would reveal is public
anyway. Cheap: a warm host is answered from memory, an unknown one costs one indexed query.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from tenant.routing import normalize_host, resolver

TLS_ASK_PATH = "/internal/tls-ask"
# A DNS name as it arrives in a TLS handshake's SNI (IDNs in their xn-- form): dot-separated
# labels of letters, digits and inner hyphens, a top-level label that is not all digits, 253
# characters at most. IP addresses are refused.
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_HOST = re.compile(rf"^(?=.{{1,253}}$)(?:{_LABEL}\.)*(?!\d+$){_LABEL}$")


def host_may_have_certificate(host: str) -> bool:
    """Whether Midsummer serves ``host`` (normalized): a platform host or a verified custom
    domain of a convention that is not deactivated."""
    tenant = resolver.resolve(host)
    return tenant is not None and tenant.state != tenant.State.DEACTIVATED


def tls_ask(request: HttpRequest) -> HttpResponse:
    """200 when a certificate may be obtained for ``?domain=``, 404 when not, 400/405 for a
    malformed question. Plain text, no cookies, no tenant data."""
    if request.method not in {"GET", "HEAD"}:
        return HttpResponse("GET only.\n", status=405, content_type="text/plain")
    raw = request.GET.get("domain", "")
    host = normalize_host(raw)
    # A port or a trailing dot in the question is a caller's mistake, not another host.
    if not raw or raw != raw.strip() or not _HOST.match(host) or ":" in raw:
        return HttpResponse(
            "Give the host as ?domain=<name>.\n", status=400, content_type="text/plain"
        )
    if host_may_have_certificate(host):
        return HttpResponse("yes\n", content_type="text/plain")
    return HttpResponse("no\n", status=404, content_type="text/plain")


class TlsAskMiddleware:
    """Answers ``TLS_ASK_PATH`` before any host is resolved; passes everything else on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == TLS_ASK_PATH:
            return tls_ask(request)
        return self.get_response(request)
