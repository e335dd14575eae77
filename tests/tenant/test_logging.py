import io
import logging

from django_tenants.log import TenantContextFilter


def _tenant_handler() -> logging.Handler:
    """The configured console handler (settings.LOGGING), which tags lines with the tenant."""
    return next(
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, TenantContextFilter) for f in handler.filters)
    )


def test_a_log_line_of_a_request_names_its_schema_and_host(tenant_a, tenant_b, client_a, client_b):
    handler = _tenant_handler()
    stream = io.StringIO()
    previous = handler.setStream(stream)  # type: ignore[attr-defined]
    try:
        client_a.get("/no-such-page-a/")  # Django logs "Not Found" for each
        client_b.get("/no-such-page-b/")
    finally:
        handler.setStream(previous)  # type: ignore[attr-defined]

    lines = stream.getvalue().splitlines()
    on_a = [line for line in lines if "/no-such-page-a/" in line]
    on_b = [line for line in lines if "/no-such-page-b/" in line]
    assert len(on_a) == len(on_b) == 1
    assert " WARNING [alpha:alpha.localhost] django.request: Not Found: /no-such-page-a/" in on_a[0]
    assert " WARNING [beta:beta.localhost] django.request: Not Found: /no-such-page-b/" in on_b[0]
