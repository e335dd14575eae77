"""A panelist's data through the app contract: exported, erased here only, scrambled in a
sandbox."""

import json

from django_tenants.utils import tenant_context

from schedule.models import Favourite, Speaker
from tests.schedule.conftest import log_in, make_programme


def test_my_data_includes_my_panels_and_deleting_anonymizes_them_here_only(
    tenant_a, tenant_b, client_a
):
    person = log_in(client_a).user
    made = {}
    for tenant in (tenant_a, tenant_b):
        with tenant_context(tenant):
            p = make_programme(sessions=1, name=tenant.name)
            Speaker.objects.filter(pk=p.speaker.pk).update(account_id=person.pk)
            Favourite.objects.create(account_id=person.pk, submission=p.sessions[0])
            made[tenant.schema_name] = p

    data = json.loads(client_a.get("/my-data/").content)
    client_a.post("/my-data/delete/")

    with tenant_context(tenant_a):
        here = Speaker.objects.get(pk=made["alpha"].speaker.pk)
        favourites_here = Favourite.objects.count()
    with tenant_context(tenant_b):
        there = Speaker.objects.get(pk=made["beta"].speaker.pk)
        favourites_there = Favourite.objects.count()
    assert data["schedule"][0]["name"] == "Robin Fox"
    assert [panel["title"] for panel in data["schedule"][0]["panels"]] == ["Panel 0"]
    assert (here.name, here.account_id, favourites_here) == ("Anonymized", None, 0)
    assert (there.name, there.account_id, favourites_there) == ("Robin Fox", person.pk, 1)
