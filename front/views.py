from __future__ import annotations

from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from event.selectors import active_event, event_days
from front.rendering import markdown_to_safe_html
from front.selectors import published_page, registration_status

# Other parts of a convention, linked from its home once their apps serve these URL names.
CONVENTION_PARTS = [
    ("schedule:index", _("Schedule")),
    ("vendors:index", _("Vendors")),
    ("shop:index", _("Shop")),
]


def _parts_that_exist() -> list[tuple[str, str]]:
    parts = []
    for name, label in CONVENTION_PARTS:
        try:
            parts.append((reverse(name), str(label)))
        except NoReverseMatch:
            continue
    return parts


class HomeView(TemplateView):
    """A convention's home: what, when, where, and whether one can register now."""

    template_name = "front/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = active_event()
        context["event"] = event
        context["parts"] = _parts_that_exist()
        if event is not None:
            context["days"] = list(event_days(event=event))
            context["registration"] = registration_status(event=event, now=timezone.now())
        return context


class PageView(TemplateView):
    template_name = "front/page.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = published_page(slug=kwargs["slug"])
        if page is None:
            raise Http404
        context["page"] = page
        context["body_html"] = markdown_to_safe_html(page.body)
        return context
