"""Error pages in the look of the host they happen on (a convention's branding, or the
platform's). The 500 page must render even when the database is what failed."""

from __future__ import annotations

import logging

from django.http import HttpResponseServerError
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger(__name__)


def page_not_found(request, exception):
    return defaults.page_not_found(request, exception, template_name="errors/404.html")


def permission_denied(request, exception):
    return defaults.permission_denied(request, exception, template_name="errors/403.html")


def server_error(request):
    try:
        body = render_to_string("errors/500.html", request=request)
    except Exception:  # the branding itself may be what fails: plain page then
        logger.exception("branded 500 page failed; serving the plain one")
        body = render_to_string("errors/500.html", {"plain": True})
    return HttpResponseServerError(body)
