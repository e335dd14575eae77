import datetime as dt

import factory

from event.models import Event


class EventFactory(factory.django.DjangoModelFactory):
    """Create inside ``tenant_context(tenant)``: events live in a tenant's schema."""

    class Meta:
        model = Event

    name = factory.Sequence(lambda n: f"Convention {n}")
    slug = factory.Sequence(lambda n: f"convention-{n}")
    start_date = dt.date(2027, 7, 1)
    end_date = factory.LazyAttribute(lambda event: event.start_date + dt.timedelta(days=3))
    timezone = "America/New_York"
    venue_name = "Convention Center"
    is_active = False
