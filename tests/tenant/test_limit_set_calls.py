"""Our backend with `TENANT_LIMIT_SET_CALLS = True`: fewer SETs, never a stale one.

The three cases django-tenants' own suite checks (issue #22): a tenant-scoped ``iterator()``, a
plain switch back and forth, and a savepoint rollback that undoes a SET. Each has real rows in
two schemas that the wrong search_path would show.
"""

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django_tenants.utils import tenant_context

from event.models import Event
from tests.factories.event import EventFactory


@pytest.fixture
def two_conventions(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        EventFactory(name="Alpha One")
        EventFactory(name="Alpha Two")
    with tenant_context(tenant_b):
        EventFactory(name="Beta One")
    return tenant_a, tenant_b


def _names() -> list[str]:
    return sorted(Event.objects.values_list("name", flat=True))


@override_settings(TENANT_LIMIT_SET_CALLS=True)
def test_iterator_is_tenant_scoped_with_limited_set_calls(two_conventions):
    tenant_a, tenant_b = two_conventions

    with tenant_context(tenant_a):
        seen_a = sorted(event.name for event in Event.objects.iterator(chunk_size=1))
    with tenant_context(tenant_b):
        seen_b = sorted(event.name for event in Event.objects.iterator(chunk_size=1))

    assert seen_a == ["Alpha One", "Alpha Two"]
    assert seen_b == ["Beta One"]


@override_settings(TENANT_LIMIT_SET_CALLS=True)
def test_switching_search_path_limited_calls(two_conventions, django_assert_num_queries):
    tenant_a, tenant_b = two_conventions
    connection.set_tenant(tenant_a)
    assert _names() == ["Alpha One", "Alpha Two"]

    with django_assert_num_queries(0):
        connection.set_tenant(tenant_b)  # no statement yet…
    with django_assert_num_queries(2):  # …the next query sends the SET first
        names_b = _names()
    with django_assert_num_queries(1):  # unchanged: no SET
        names_b_again = _names()
    connection.set_tenant(tenant_a)
    names_a = _names()
    connection.set_schema_to_public()

    assert names_b == names_b_again == ["Beta One"]
    assert names_a == ["Alpha One", "Alpha Two"]


@override_settings(TENANT_LIMIT_SET_CALLS=True)
def test_savepoint_rollback_reissues_search_path(two_conventions):
    tenant_a, tenant_b = two_conventions
    connection.set_tenant(tenant_a)
    assert _names() == ["Alpha One", "Alpha Two"]

    with transaction.atomic():
        with pytest.raises(ValueError), transaction.atomic():  # a savepoint
            connection.set_tenant(tenant_b)
            assert _names() == ["Beta One"]  # the SET is issued after the savepoint…
            raise ValueError  # …and undone by rolling back to it
        names_after_rollback = _names()
        with connection.cursor() as cursor:
            cursor.execute("SHOW search_path")
            search_path = cursor.fetchone()[0]
    connection.set_schema_to_public()

    assert names_after_rollback == ["Beta One"]
    assert search_path == "beta, public"
