import pytest
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path, set_urlconf
from django_tenants.utils import tenant_context

from event.models import Event
from tenant.services import tenant_create
from tests.factories.event import EventFactory

SHARED_TABLES = {"tenant_tenant", "tenant_domain", "tenant_user", "tenant_membership"}
TENANT_TABLES = {"event_event", "event_eventday", "event_badgenumberrange"}
PER_SCHEMA_TABLES = {"django_session", "django_content_type", "django_admin_log"}


def _tables_in(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema]
        )
        return {row[0] for row in cursor.fetchall()}


def test_orm_sees_only_the_current_tenants_rows(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        EventFactory(name="Alpha Con")
    with tenant_context(tenant_b):
        EventFactory(name="Beta Con")

    with tenant_context(tenant_a):
        names_a = list(Event.objects.values_list("name", flat=True))
    with tenant_context(tenant_b):
        names_b = list(Event.objects.values_list("name", flat=True))

    assert names_a == ["Alpha Con"]
    assert names_b == ["Beta Con"]


def test_pages_show_only_their_own_tenants_event(tenant_a, tenant_b, client_a, client_b):
    with tenant_context(tenant_a):
        EventFactory(name="Alpha Con", is_active=True)
    with tenant_context(tenant_b):
        EventFactory(name="Beta Con", is_active=True)

    page_a = client_a.get("/").content
    page_b = client_b.get("/").content

    assert b"Alpha Con" in page_a and b"Beta Con" not in page_a
    assert b"Beta Con" in page_b and b"Alpha Con" not in page_b


def test_tenant_tables_live_only_in_tenant_schemas(tenant_a, tenant_b):
    public, alpha, beta = _tables_in("public"), _tables_in("alpha"), _tables_in("beta")

    assert SHARED_TABLES <= public
    assert not (SHARED_TABLES & alpha) and not (SHARED_TABLES & beta)
    assert TENANT_TABLES <= alpha and TENANT_TABLES <= beta
    assert not (TENANT_TABLES & public)
    assert PER_SCHEMA_TABLES <= public and PER_SCHEMA_TABLES <= alpha
    assert {"tenant_application", "oauth2_provider_accesstoken"} <= public
    assert "oauth2_provider_accesstoken" not in alpha


def test_search_path_switches_between_requests_on_one_connection(
    tenant_a, tenant_b, client_a, client_b
):
    with tenant_context(tenant_a):
        EventFactory(name="Alpha Con", is_active=True)
    with tenant_context(tenant_b):
        EventFactory(name="Beta Con", is_active=True)

    sequence = [client_a, client_b, client_a, client_b]
    pages = [client.get("/").content for client in sequence]

    with connection.cursor() as cursor:
        cursor.execute("SHOW search_path")
        last_path = cursor.fetchone()[0]
    assert [b"Alpha Con" in page for page in pages] == [True, False, True, False]
    assert [b"Beta Con" in page for page in pages] == [False, True, False, True]
    assert last_path == "beta, public"


def _failing_view(request):
    with transaction.atomic():
        list(Event.objects.all())
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")  # aborts the transaction
    return HttpResponse("unreachable")


def _event_names_view(request):
    return HttpResponse(",".join(Event.objects.values_list("name", flat=True)))


urlpatterns = [path("fail/", _failing_view), path("names/", _event_names_view)]


@override_settings(ROOT_URLCONF=__name__)
def test_request_after_a_failing_view_reads_the_right_tenant(
    tenant_a, tenant_b, client_a, client_b
):
    with tenant_context(tenant_a):
        EventFactory(name="Alpha Con")
    with tenant_context(tenant_b):
        EventFactory(name="Beta Con")
    client_a.raise_request_exception = False

    failed = client_a.get("/fail/")
    names_b = client_b.get("/names/").content
    names_a = client_a.get("/names/").content
    set_urlconf(None)

    assert failed.status_code == 500
    assert names_b == b"Beta Con"
    assert names_a == b"Alpha Con"


def test_rolled_back_set_search_path_is_sent_again(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        EventFactory(name="Alpha Con")
    with tenant_context(tenant_b):
        EventFactory(name="Beta Con")
        with pytest.raises(RuntimeError), transaction.atomic():
            list(Event.objects.all())  # SET search_path happens inside the savepoint…
            raise RuntimeError  # …and is undone by its rollback

        names = list(Event.objects.values_list("name", flat=True))

    assert names == ["Beta Con"]


def test_tenant_create_with_a_taken_domain_leaves_nothing_behind(tenant_a):
    from django.core.exceptions import ValidationError

    from tenant.models import Tenant

    with pytest.raises(ValidationError):
        tenant_create(schema_name="gamma", name="Gamma", domain="Alpha.Localhost")

    assert not Tenant.objects.filter(schema_name="gamma").exists()
    assert _tables_in("gamma") == set()


def test_cache_entries_are_per_tenant(tenant_a, tenant_b):
    from django.core.cache import cache

    with tenant_context(tenant_a):
        cache.set("badge-count", 41)
    with tenant_context(tenant_b):
        seen_from_b = cache.get("badge-count")
        cache.set("badge-count", 7)
    with tenant_context(tenant_a):
        seen_from_a = cache.get("badge-count")
        cache.delete("badge-count")
    with tenant_context(tenant_b):
        cache.delete("badge-count")

    assert (seen_from_b, seen_from_a) == (None, 41)


def test_one_tenants_cache_can_be_cleared_alone(tenant_a, tenant_b, capsys):
    from django.core.cache import cache
    from django.core.management import call_command

    with tenant_context(tenant_a):
        cache.set_many({"levels": [1, 2], "sold": 5})
    with tenant_context(tenant_b):
        cache.set("levels", [3])

    call_command("tenant_cache_clear", "-s", "alpha")

    with tenant_context(tenant_a):
        left_in_a = cache.get_many(["levels", "sold"])
    with tenant_context(tenant_b):
        left_in_b = cache.get("levels")
    assert left_in_a == {}
    assert left_in_b == [3]
    assert "[alpha] 2 cache entries deleted" in capsys.readouterr().out
