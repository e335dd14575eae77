"""The page every stack serves: it reads one row (the active event's name) and nothing else."""

from django.http import HttpResponse

from event.models import Event


def one_row_page(request):
    name = Event.objects.filter(is_active=True).values_list("name", flat=True).first()
    return HttpResponse(f"<!doctype html><title>{name}</title><h1>{name}</h1>")
