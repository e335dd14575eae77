"""The test client of a person's browser on a convention's site."""

from __future__ import annotations

from django.http import HttpResponse
from django.test import Client


def moved_to_event(response: HttpResponse) -> str | None:
    """Where the event middleware sent a visit to a bare address (``/register/?people=2`` →
    ``/fd-2027/register/?people=2``): the same path and query under one event slug. None for
    any other answer, other redirects included."""
    if response.status_code != 302:
        return None
    asked = response.request["PATH_INFO"]
    query = response.request.get("QUERY_STRING", "")
    if query:
        asked = f"{asked}?{query}"
    slug, _, rest = response["Location"].lstrip("/").partition("/")
    return response["Location"] if slug and f"/{rest}" == asked else None


class PersonClient(Client):
    """A browser: opening a bare address of an event page (a link of the single-event era),
    it follows the middleware's one redirect on to the default event's address, as any browser
    would, and answers with the page found there. Every other redirect stays the test's to
    assert. Tests of the redirect itself, and of how many queries a page costs, use the
    event's address (or a plain ``Client``)."""

    def get(
        self,
        path,
        data=None,
        follow=False,
        secure=False,
        *,
        headers=None,
        query_params=None,
        **extra,
    ):
        response = super().get(
            path, data, follow, secure, headers=headers, query_params=query_params, **extra
        )
        moved = moved_to_event(response)
        if moved is None:
            return response
        return super().get(moved, follow=follow, secure=secure, headers=headers, **extra)
