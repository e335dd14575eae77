import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from event.models import EventDay
from tenant.models import CustomDomain
from tenant.routing import normalize_host
from tenant.services import custom_domain_add, custom_domain_verify, tenant_set_active
from tests.factories.event import EventFactory


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Uproar.Localhost:8000", "uproar.localhost"),
        ("uproar.localhost.", "uproar.localhost"),
        ("UPROAR.LOCALHOST", "uproar.localhost"),
        ("[::1]:8000", "[::1]"),
    ],
)
def test_normalize_host_lowercases_and_strips_port(raw, expected):
    assert normalize_host(raw) == expected


def test_tenant_host_serves_its_active_event(tenant_a, client_a):
    with tenant_context(tenant_a):
        EventFactory(name="Alpha Con", is_active=True)

    response = client_a.get("/")

    assert response.status_code == 200
    assert b"Alpha Con" in response.content


def test_host_with_port_and_capitals_resolves(tenant_a):
    with tenant_context(tenant_a):
        EventFactory(name="Alpha Con", is_active=True)

    response = Client(HTTP_HOST="ALPHA.localhost:8000").get("/")

    assert response.status_code == 200
    assert b"Alpha Con" in response.content


def test_public_host_serves_platform_not_a_tenant(client_public, tenant_a):
    with tenant_context(tenant_a):
        EventFactory(name="Alpha Con", is_active=True)

    response = client_public.get("/")

    assert response.status_code == 200
    assert b"Midsummer" in response.content
    # The platform's directory lists Alpha Con (see tests/directory); the tenant's own home
    # page, with its register button, is not what the public host serves.
    assert b"Upcoming conventions" in response.content
    assert b"Register now" not in response.content


def test_unknown_host_gets_plain_404(db):
    response = Client(HTTP_HOST="nobody.localhost").get("/")

    assert response.status_code == 404
    assert b"There is no convention at this address." in response.content
    assert b"Midsummer" not in response.content


def test_host_outside_allowed_hosts_gets_404_not_400(db):
    response = Client(HTTP_HOST="attacker.example").get("/")

    assert response.status_code == 404


def test_unknown_host_admin_is_404_too(db):
    response = Client(HTTP_HOST="nobody.localhost").get("/admin/login/")

    assert response.status_code == 404


def test_unverified_custom_domain_is_not_served(tenant_a):
    custom_domain_add(tenant=tenant_a, domain="www.alpha-con.localhost")

    response = Client(HTTP_HOST="www.alpha-con.localhost").get("/")

    assert response.status_code == 404


def test_verified_custom_domain_serves_its_tenant(tenant_a):
    with tenant_context(tenant_a):
        EventFactory(name="Alpha Con", is_active=True)
    custom = custom_domain_add(tenant=tenant_a, domain="WWW.Alpha-Con.localhost")
    custom_domain_verify(custom_domain=custom)

    response = Client(HTTP_HOST="www.alpha-con.localhost").get("/")

    assert CustomDomain.objects.get(pk=custom.pk).domain == "www.alpha-con.localhost"
    assert response.status_code == 200
    assert b"Alpha Con" in response.content


def test_deactivated_tenant_shows_not_available_page(tenant_a, client_a):
    with tenant_context(tenant_a):
        EventFactory(name="Alpha Con", is_active=True)
    tenant_set_active(tenant=tenant_a, is_active=False)

    response = client_a.get("/")
    admin_response = client_a.get("/admin/login/")

    assert response.status_code == 404
    assert b"This convention is not available" in response.content
    assert b"Alpha Con" not in response.content
    assert admin_response.status_code == 404


@pytest.mark.parametrize("days", [1, 3])
def test_warm_request_costs_only_the_views_own_queries(
    tenant_a, client_a, django_assert_num_queries, days
):
    with tenant_context(tenant_a):
        event = EventFactory(name="Alpha Con", is_active=True)
        EventDay.objects.bulk_create(
            EventDay(event=event, date=event.start_date + dt.timedelta(days=n), number=n + 1)
            for n in range(days)
        )
    client_a.get("/")  # warm: route cached, connection's search_path set
    connection.set_schema_to_public()

    # The active event, its days, the branding, the navigation's pages, the badge levels on
    # sale, (none here) when sales open, the convention's other events coming up and the
    # default event's address for the links to event pages (navigation and cards) — whatever
    # the number of days; no host lookup for
    # routing or for the canonical host of the social preview tags (cached with the route), no
    # SET search_path.
    with django_assert_num_queries(8) as captured:
        response = client_a.get("/")

    assert response.status_code == 200
    assert response.content.count(b'<li class="day"') == days
    assert not any("search_path" in query["sql"] for query in captured.captured_queries)
