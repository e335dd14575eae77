"""Archive (read-only), deactivate (closed) and delete a convention."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import RequestFactory, override_settings
from django_tenants.utils import schema_context, tenant_context

from event.models import Event
from midsummer.middleware import TenantMiddleware
from register.models import Order
from register.services import order_place
from tenant.lifecycle import tenant_set_state
from tenant.models import Application, CustomDomain, Domain, Membership, Tenant, User
from tenant.routing import resolver
from tenant.selectors import active_tenants
from tenant.services import custom_domain_add, tenant_create
from tests.factories.event import EventFactory
from tests.factories.register import BadgeLevelFactory, attendee
from tests.factories.tenant import ApplicationFactory, MembershipFactory, UserFactory
from tests.processes import http_get


def _archived(tenant: Tenant) -> Tenant:
    # A copy: the session's tenant object must keep its state for later tests.
    return tenant_set_state(tenant=Tenant.objects.get(pk=tenant.pk), state=Tenant.State.ARCHIVED)


def test_archived_tenant_serves_pages_but_refuses_posts(tenant_a, client_a):
    with tenant_context(tenant_a):
        EventFactory(name="Alpha Con", is_active=True)
    _archived(tenant_a)

    page = client_a.get("/")
    login_page = client_a.get("/accounts/login/")
    post = client_a.post("/accounts/login/", {"username": "x@example.org", "password": "x"})
    admin_post = client_a.post("/admin/login/", {"username": "x@example.org", "password": "x"})
    api_post = client_a.post("/o/token/", {"grant_type": "client_credentials"})

    assert page.status_code == 200
    assert b"Alpha Con" in page.content
    assert login_page.status_code == 200
    assert post.status_code == 403
    assert b"This convention is archived" in post.content
    assert b"no longer changed" in post.content
    assert admin_post.status_code == 403
    assert b"This convention is archived" in admin_post.content
    assert api_post.status_code == 403
    assert api_post.json()["error"] == "archived"


def test_archived_tenant_refuses_a_write_the_view_attempts_in_the_database(tenant_a):
    archived = _archived(tenant_a)
    attempts: list[str] = []

    def view_that_writes(request):
        attempts.append(connection.schema_name)
        Event.objects.create(
            name="Sneaky",
            slug="sneaky",
            start_date=dt.date(2027, 1, 1),
            end_date=dt.date(2027, 1, 2),
            timezone="UTC",
            venue_name="X",
        )
        raise AssertionError("the write went through")

    request = RequestFactory().get("/", HTTP_HOST="alpha.localhost")
    response = TenantMiddleware(view_that_writes)(request)

    assert attempts == ["alpha"]
    assert response.status_code == 403
    assert b"This convention is archived" in response.content
    with tenant_context(archived):
        assert not Event.objects.filter(slug="sneaky").exists()
        Event.objects.create(  # the connection is writable again afterwards
            name="Later",
            slug="later",
            start_date=dt.date(2027, 1, 1),
            end_date=dt.date(2027, 1, 2),
            timezone="UTC",
            venue_name="X",
        )


@override_settings(ROOT_URLCONF="tests.tenant.urls_writing_view")
def test_archived_tenant_answers_a_view_that_writes_on_get_with_the_read_only_page(
    tenant_a, client_a
):
    archived = _archived(tenant_a)

    response = client_a.get("/test-writes/")
    admin_page = client_a.get("/admin/login/")

    assert response.status_code == 403
    assert b"This convention is archived" in response.content
    assert admin_page.status_code == 200
    with tenant_context(archived):
        assert not Event.objects.filter(slug="sneaky").exists()


def test_archived_and_deactivated_tenants_get_no_periodic_tasks(tenant_a, tenant_b):
    _archived(tenant_a)

    assert list(active_tenants().values_list("schema_name", flat=True)) == ["beta"]


def test_deactivated_tenant_shows_the_closed_page_and_reactivates(tenant_a, client_a):
    with tenant_context(tenant_a):
        EventFactory(name="Alpha Con", is_active=True)
    call_command("tenant_state", "alpha", "deactivated", verbosity=0)

    closed = client_a.get("/")
    call_command("tenant_state", "alpha", "active", verbosity=0)
    resolver.invalidate()  # what the NOTIFY does on commit (this test's transaction never commits)
    reopened = client_a.get("/")

    assert closed.status_code == 404
    assert b"This convention is not available" in closed.content
    assert reopened.status_code == 200


def test_tenant_state_of_the_template_is_refused(tenant_a):
    with pytest.raises(CommandError, match="no lifecycle"):
        call_command("tenant_state", "midsummer_template", "active")


def test_operators_admin_archives_a_tenant(tenant_a, client_public):
    operator = UserFactory(is_superuser=True)
    client_public.force_login(operator)

    response = client_public.post(
        "/admin/tenant/tenant/",
        {"action": "archive", "_selected_action": [tenant_a.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert Tenant.objects.get(pk=tenant_a.pk).state == Tenant.State.ARCHIVED


@pytest.fixture
def doomed(committed):
    """A committed tenant 'doomed' with a member-only account, a shared one, a platform
    operator, an attendee who also ordered in beta, an OAuth app and a custom domain."""
    tenant = tenant_create(schema_name="doomed", name="Doomed Con", domain="doomed.localhost")
    beta = Tenant.objects.get(schema_name="beta")
    people = {
        "only": UserFactory(email="only@doomed.example"),
        "shared": UserFactory(email="shared@doomed.example"),
        "operator": UserFactory(email="operator@doomed.example", is_superuser=True),
        "attendee": UserFactory(email="attendee@doomed.example"),
        "buyer": UserFactory(email="buyer@doomed.example"),
    }
    for key in ("only", "shared", "operator"):
        MembershipFactory(user=people[key], tenant=tenant)
    MembershipFactory(user=people["shared"], tenant=beta)
    ApplicationFactory(tenant=tenant, user=people["only"])
    custom_domain_add(tenant=tenant, domain="tickets.doomed.example")
    with tenant_context(tenant):
        level = BadgeLevelFactory(event=EventFactory(is_active=True))
        for key in ("attendee", "buyer"):
            order_place(
                event=level.event, account=people[key], attendees=[attendee(level)], provider="door"
            )
    with tenant_context(beta):
        level_b = BadgeLevelFactory(event=EventFactory())
        order_place(
            event=level_b.event,
            account=people["attendee"],
            attendees=[attendee(level_b)],
            provider="door",
        )
    yield tenant, people
    with schema_context("public"):
        if Tenant.objects.filter(schema_name="doomed").exists():
            Tenant.objects.get(schema_name="doomed").delete(force_drop=True)
        with tenant_context(beta):
            for order in Order.objects.filter(account__email__endswith="@doomed.example"):
                order.registrations.all().delete()
                order.status_changes.all().delete()
                order.delete()
            Event.objects.filter(pk=level_b.event_id).delete()
        User.objects.filter(email__endswith="@doomed.example").delete()


def _schema_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
        return cursor.fetchone() is not None


def test_delete_without_a_fresh_export_is_refused(doomed):
    tenant, _ = doomed

    with pytest.raises(CommandError, match="no export from the last 60 minutes"):
        call_command("delete_tenant", "doomed")
    with pytest.raises(CommandError, match="add --yes"):
        call_command("delete_tenant", "doomed", no_export=True)

    assert Tenant.objects.get(pk=tenant.pk).state == Tenant.State.ACTIVE
    assert _schema_exists("doomed")


def test_delete_drops_schema_and_public_rows_and_keeps_users_of_other_tenants(doomed, gunicorn):
    tenant, people = doomed
    port, _ = gunicorn
    assert http_get(port, "doomed.localhost")[0] == 200  # the workers have cached the route
    statuses: list[int] = []
    stop, visiting = threading.Event(), threading.Event()

    def visit_while_deleting() -> None:
        while not stop.is_set():
            statuses.append(http_get(port, "doomed.localhost", "/")[0])
            visiting.set()

    visitors = [threading.Thread(target=visit_while_deleting) for _ in range(3)]
    for visitor in visitors:
        visitor.start()
    # The delete starts once the visitors are being served (on a busy machine the threads can
    # start late, and would only ever see the site gone).
    assert visiting.wait(timeout=30)
    try:
        call_command("delete_tenant", "doomed", no_export=True, yes=True, verbosity=0)
    finally:
        stop.set()
        for visitor in visitors:
            visitor.join()

    assert not _schema_exists("doomed")
    assert not Tenant.objects.filter(schema_name="doomed").exists()
    assert not Domain.objects.filter(domain="doomed.localhost").exists()
    assert not CustomDomain.objects.filter(domain="tickets.doomed.example").exists()
    assert not Membership.objects.filter(tenant_id=tenant.pk).exists()
    assert not Application.objects.filter(tenant_id=tenant.pk).exists()
    remaining = set(
        User.objects.filter(email__endswith="@doomed.example").values_list("email", flat=True)
    )
    # shared: a member of beta; operator: platform staff; attendee: has an order in beta.
    assert remaining == {
        "shared@doomed.example",
        "operator@doomed.example",
        "attendee@doomed.example",
    }
    assert [http_get(port, "doomed.localhost")[0] for _ in range(6)] == [404] * 6
    # Served until it went offline, then "not available" or unknown: never an error mid-drop.
    assert set(statuses) <= {200, 404}
    assert 200 in statuses and 404 in statuses


def test_tenants_status_reports_the_lifecycle_state(tenant_a):
    from tenant.selectors import tenants_schema_status

    _archived(tenant_a)

    states = {s.schema_name: s.lifecycle for s in tenants_schema_status()}

    assert states["alpha"] == "archived"
    assert states["beta"] == "active"
    assert states["midsummer_template"] == "deactivated"
