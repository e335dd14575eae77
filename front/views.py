from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from event.current import event_address
from event.selectors import active_event, event_days, event_today, upcoming_events
from front.rendering import markdown_to_safe_html
from front.selectors import published_page, registration_status
from midsummer.contract import home_cards


class HomeView(TemplateView):
    """A convention's home: what, when, where, and whether one can register now."""

    template_name = "front/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = active_event()
        context["event"] = event
        context["parts"] = home_cards(request=self.request)
        now = timezone.now()
        if event is not None:
            # At the event's own address, where the bare one would redirect.
            context["register_url"] = event_address(event, reverse("register:start"))
            context["days"] = list(event_days(event=event))
            context["today"] = event_today(event, now)
            context["registration"] = registration_status(event=event, now=now)
        # The convention's other events on sale or on now: next year's pre-sale, a spin-off.
        context["other_events"] = [
            other for other in upcoming_events(now=now) if event is None or other.pk != event.pk
        ]
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
