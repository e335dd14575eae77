"""Error pages in the look of the host they happen on (a convention's branding, or the
platform's). The 500 page must render even when the database is what failed; when the
database (or Redis) is simply gone, the answer is 503 instead (midsummer/outage.py)."""

from __future__ import annotations

import logging
import sys

from django.http import HttpResponseServerError
from django.template.loader import render_to_string
from django.views import defaults

from midsummer.outage import is_unavailable_error, unavailable_response

logger = logging.getLogger(__name__)


def page_not_found(request, exception):
    return defaults.page_not_found(request, exception, template_name="errors/404.html")


def permission_denied(request, exception):
    return defaults.permission_denied(request, exception, template_name="errors/403.html")


def server_error(request):
    if is_unavailable_error(sys.exception()):  # the database or Redis is gone: 503, not 500
        return unavailable_response(request)  # Django has logged the error with its traceback
    try:
        body = render_to_string("errors/500.html", request=request)
    except Exception:  # the branding itself may be what fails: plain page then
        logger.exception("branded 500 page failed; serving the plain one")
        body = render_to_string("errors/500.html", {"plain": True})
    return HttpResponseServerError(body)
