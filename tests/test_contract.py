"""The app contract (midsummer/contract.py): a tenant app the core has never heard of
(``tests.sample_app``, installed by tests/settings.py only) is reached through its contract
alone — its personal data exported, erased and scrambled, its demo data seeded, its pages,
links and periodic work served — and a second tenant's data never comes along."""

from __future__ import annotations

import io
import json

from django.core.management import call_command
from django_tenants.utils import tenant_context

from midsummer.contract import contracts, nav_links, periodic_work
from tenant.models import Tenant
from tenant.sandbox import tenant_sandbox_create
from tenant.tasks import run_periodic_work
from tests.factories.tenant import PASSWORD, UserFactory
from tests.sample_app.models import Volunteer


def _volunteer(tenant, account, name: str) -> Volunteer:
    with tenant_context(tenant):
        return Volunteer.objects.create(
            account_id=account.pk, legal_name=name, phone="215 555 0101"
        )


def _logged_in(client, account):
    client.post("/accounts/login/", {"username": account.email, "password": PASSWORD})
    return client


def test_contracts_are_found_in_the_order_of_the_tenant_apps():
    assert [c.label for c in contracts()] == [
        "event",
        "payments",
        "register",
        "schedule",
        "staff",
        "vendors",
        "shop",
        "front",
        "kiosk",
        "api",
        "sample_app",
    ]


def test_my_data_includes_a_new_apps_part_and_nothing_from_another_tenant(
    tenant_a, tenant_b, client_a
):
    person = UserFactory()
    _volunteer(tenant_a, person, "Robin Alpha")
    _volunteer(tenant_b, person, "Robin Beta")

    data = json.loads(_logged_in(client_a, person).get("/my-data/").content)

    assert data["sample_app"] == [{"legal_name": "Robin Alpha", "phone": "215 555 0101"}]
    assert "register" not in data  # no badge here: registration has nothing to say
    assert "Robin Beta" not in json.dumps(data)


def test_deleting_my_data_erases_the_new_apps_part_here_only(tenant_a, tenant_b, client_a):
    person = UserFactory()
    here, there = _volunteer(tenant_a, person, "Robin Alpha"), _volunteer(tenant_b, person, "B")

    response = _logged_in(client_a, person).post("/my-data/delete/")

    with tenant_context(tenant_a):
        here.refresh_from_db()
    with tenant_context(tenant_b):
        there.refresh_from_db()
    assert response.status_code == 302
    assert (here.legal_name, here.phone) == ("Anonymized", "")
    assert (there.legal_name, there.phone) == ("B", "215 555 0101")


def test_a_scrambled_sandbox_scrambles_the_new_apps_personal_columns(tenant_a):
    _volunteer(tenant_a, UserFactory(), "Robin Realname")

    sandbox = tenant_sandbox_create(
        source=tenant_a,
        schema_name="sample_sandbox",
        domain="sample-sandbox.localhost",
        scramble=True,
    )

    with tenant_context(sandbox):
        (copy,) = Volunteer.objects.all()
    assert copy.legal_name != "Robin Realname" and " " in copy.legal_name
    assert copy.phone.startswith("+1 555 02")


def test_seed_demo_lets_every_app_seed_its_part(settings, db):
    settings.DEV_MODE = True

    call_command("seed_demo", "--port", "8123", stdout=io.StringIO())

    for schema in ("furrydelphia", "uproar"):
        with tenant_context(Tenant.objects.get(schema_name=schema)):
            names = list(Volunteer.objects.values_list("legal_name", flat=True))
        assert names == [f"{schema.title()} volunteer"]


def test_a_new_apps_pages_and_links_are_served_on_tenant_hosts(client_a, client_public):
    page = client_a.get("/shifts/")

    assert page.content == b"shifts"
    assert ("/shifts/", "Shifts") in nav_links(request=None)
    assert '<a href="/shifts/"' in client_a.get("/").content.decode()
    assert client_public.get("/shifts/").status_code == 404


def test_a_new_apps_periodic_work_runs_when_due_in_every_tenant(tenant_a, tenant_b):
    every_five_minutes = 300 // 60

    due_now = run_periodic_work(minute=every_five_minutes * 1000)
    not_due = run_periodic_work(minute=every_five_minutes * 1000 + 1)

    assert "sample_app.count_volunteers" in due_now
    assert "sample_app.count_volunteers" not in not_due
    assert "register.release_expired_holds" in not_due  # every minute
    assert {w.task for w in periodic_work()} >= {"sample_app.count_volunteers"}


def test_a_new_app_can_say_who_takes_part_for_oauth(tenant_a):
    from tenant.oauth import _belongs_here

    volunteer, stranger = UserFactory(), UserFactory()
    _volunteer(tenant_a, volunteer, "Robin")

    with tenant_context(tenant_a):
        answers = (_belongs_here(volunteer), _belongs_here(stranger))
    assert answers == (True, False)
