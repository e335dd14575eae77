from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from directory.forms import DirectoryFilterForm
from directory.ical import AllDayEvent, calendar
from directory.selectors import calendar_listings, conventions_of_user, directory_listings


def _site_url(request, host: str | None) -> str:
    """The convention's home on its primary host, with this request's scheme and port."""
    if not host:
        return ""
    port = request.get_port()
    default = "443" if request.is_secure() else "80"
    suffix = f":{port}" if port and port != default else ""
    return f"{request.scheme}://{host}{suffix}/"


LISTINGS_PER_PAGE = 24
COUNTED_AT_MOST = 1000


class CappedPaginator(Paginator):
    """Counts at most ``COUNTED_AT_MOST`` matches, so a page costs the same with a thousand
    conventions or ten thousand. Past that the page says "more than" and paging ends there:
    search, a month or "near me" narrow the list instead."""

    def __init__(self, listings: QuerySet, per_page: int) -> None:
        super().__init__(listings, per_page)
        self.listings = listings

    @cached_property
    def counted(self) -> int:
        # Any COUNTED_AT_MOST + 1 matches will do: no order, no per-row annotations.
        return self.listings.order_by().values("pk")[: COUNTED_AT_MOST + 1].count()

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        return min(self.counted, COUNTED_AT_MOST)

    @property
    def more(self) -> bool:
        return self.counted > COUNTED_AT_MOST


class PlatformHomeView(TemplateView):
    """What Midsummer is, and the conventions coming up on it: searchable, by month and near
    the visitor, a page at a time."""

    template_name = "directory/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        form = DirectoryFilterForm(self.request.GET or None, today=today)
        filters: dict = {}
        if form.is_valid():
            filters = {
                "query": form.cleaned_data["q"],
                "month": form.month_start(),
                "near": form.near(),
            }
        page = CappedPaginator(
            directory_listings(today=today, **filters), LISTINGS_PER_PAGE
        ).get_page(self.request.GET.get("page"))
        for listing in page.object_list:
            # ``host`` is annotated by the selector; ``url`` is for the template.
            listing.url = _site_url(self.request, listing.host)  # type: ignore[attr-defined]
        query = self.request.GET.copy()
        query.pop("page", None)
        context |= {
            "form": form,
            "page": page,
            "listings": page.object_list,
            "filtered": any(filters.values()),
            "query_string": query.urlencode(),
            "counted_at_most": COUNTED_AT_MOST,
        }
        return context


class ConventionsCalendarView(View):
    """Every upcoming convention as an all-day event, for calendar apps."""

    def get(self, request):
        events = [
            AllDayEvent(
                uid=f"convention-{listing.tenant_id}@{request.get_host().split(':')[0]}",
                summary=listing.event_name,
                start=listing.start_date,
                end=listing.end_date,
                stamp=listing.updated_at,
                location=", ".join(p for p in (listing.venue_name, listing.city) if p),
                description=listing.description,
                url=_site_url(request, listing.host),  # type: ignore[attr-defined]
            )
            for listing in calendar_listings(today=timezone.localdate())
        ]
        body = calendar(name="Midsummer conventions", events=events)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="conventions.ics"'
        return response


class MyConventionsView(LoginRequiredMixin, TemplateView):
    """Every convention where I hold a role or have registered."""

    template_name = "directory/mine.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tenants = list(conventions_of_user(user_id=self.request.user.pk or 0))
        for tenant in tenants:
            tenant.url = _site_url(self.request, tenant.host)
        context["conventions"] = tenants
        return context
