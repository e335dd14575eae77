from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from tests.sample_app.models import Volunteer

PROBE_PHONE = "probe"


@csrf_exempt
def probe(request: HttpRequest) -> HttpResponse:
    """For the pooling tests: a POST writes a row naming the schema the app believes it is in, a
    GET reads those rows back (each schema's rows should all name that schema)."""
    believed = connection.schema_name  # type: ignore[attr-defined]
    if request.method == "POST":
        Volunteer.objects.create(account_id=0, legal_name=believed, phone=PROBE_PHONE)
    names = sorted(
        set(Volunteer.objects.filter(phone=PROBE_PHONE).values_list("legal_name", flat=True))
    )
    return HttpResponse(f"{believed}:{','.join(names)}", content_type="text/plain")


app_name = "sample_app"
urlpatterns = [
    path("", lambda request: HttpResponse("shifts"), name="index"),
    path("probe/", probe, name="probe"),
]
