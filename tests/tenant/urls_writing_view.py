"""The tenant URLconf plus a view that writes on GET: what the archive guard must stop."""

import datetime as dt

from django.http import HttpResponse
from django.urls import path

from event.models import Event
from midsummer.urls_tenant import urlpatterns as tenant_urlpatterns


def writes_on_get(request):
    Event.objects.create(
        name="Sneaky",
        slug="sneaky",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 1, 2),
        timezone="UTC",
        venue_name="X",
    )
    return HttpResponse("written")


urlpatterns = [path("test-writes/", writes_on_get), *tenant_urlpatterns]
