"""What sync clients lean on: cursor pages that stay stable while rows are added, and an ETag
on every read, so asking again with ``If-None-Match`` costs a 304 and no body."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponseBase
from django.utils.cache import get_conditional_response, set_response_etag
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request


class IdCursorPagination(CursorPagination):
    ordering = "pk"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


class ConditionalReadMixin:
    """An ETag on successful GETs, and 304 when the client already has this version."""

    def finalize_response(
        self, request: Request, response: Any, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        final: HttpResponseBase = super().finalize_response(  # type: ignore[misc]
            request, response, *args, **kwargs
        )
        if request.method != "GET" or final.status_code != 200:
            return final
        final.render()  # type: ignore[attr-defined]
        set_response_etag(final)  # type: ignore[arg-type]
        conditional = get_conditional_response(request, etag=final.get("ETag"), response=final)  # type: ignore[arg-type]
        return conditional if conditional is not None else final
