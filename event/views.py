from django.views.generic import TemplateView

from event.selectors import active_event, event_days


class EventOverviewView(TemplateView):
    """The tenant host's home until the `front` app replaces it: what, when and where."""

    template_name = "event/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = active_event()
        context["event"] = event
        context["days"] = list(event_days(event=event)) if event else []
        return context
