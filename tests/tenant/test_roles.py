import pytest
from django_tenants.utils import schema_context, tenant_context

from tenant.models import User
from tenant.roles import Role
from tests.factories.tenant import MembershipFactory, UserFactory


def _perms_in(tenant, user: User, *perms: str) -> list[bool]:
    fresh = User.objects.get(pk=user.pk)  # no memoised membership from another schema
    with tenant_context(tenant):
        return [fresh.has_perm(perm) for perm in perms]


def test_role_grants_its_permissions_in_its_tenant_only(tenant_a, tenant_b):
    lead = MembershipFactory(tenant=tenant_a, roles=[Role.SCHEDULE_LEAD]).user

    in_a = _perms_in(tenant_a, lead, "event.view_event", "event.change_event")
    in_b = _perms_in(tenant_b, lead, "event.view_event", "event.change_event")

    assert in_a == [True, False]
    assert in_b == [False, False]


def test_org_admin_runs_the_tenant_and_its_members_but_not_the_platform(tenant_a):
    org_admin = MembershipFactory(tenant=tenant_a, roles=[Role.ORG_ADMIN]).user

    granted = _perms_in(
        tenant_a,
        org_admin,
        "event.change_event",
        "tenant.change_membership",
        "tenant.view_user",
        "tenant.change_tenant",
        "tenant.view_application",
    )

    assert granted == [True, True, False, False, False]


def test_tenant_superuser_has_everything_in_the_tenant_but_shared_models(tenant_a):
    superuser = MembershipFactory(tenant=tenant_a, is_tenant_superuser=True).user

    granted = _perms_in(
        tenant_a,
        superuser,
        "event.delete_event",
        "tenant.add_membership",
        "tenant.add_application",
        "tenant.view_user",
        "tenant.view_domain",
    )

    assert granted == [True, True, True, False, False]


def test_developer_gets_the_developer_tools_and_nothing_else(tenant_a):
    developer = MembershipFactory(tenant=tenant_a, is_developer=True).user
    fresh = User.objects.get(pk=developer.pk)

    granted = _perms_in(
        tenant_a,
        developer,
        "tenant.change_application",
        "event.view_event",
        "tenant.view_membership",
    )
    with tenant_context(tenant_a):
        is_staff = fresh.is_staff
        modules = [fresh.has_module_perms("tenant"), fresh.has_module_perms("event")]

    assert granted == [True, False, False]
    assert is_staff is True
    assert modules == [True, False]


@pytest.mark.parametrize("schema", ["alpha", "public"])
def test_platform_operator_rights_stop_at_the_public_host(tenant_a, schema):
    operator = User.objects.get(pk=UserFactory(is_superuser=True).pk)

    with schema_context(schema):
        granted = [operator.has_perm("tenant.change_tenant"), operator.has_perm("event.view_event")]
        is_staff = operator.is_staff

    expected = [False, False] if schema == "alpha" else [True, True]
    assert granted == expected
    assert is_staff is (schema == "public")


def test_member_without_roles_is_not_staff(tenant_a):
    member = MembershipFactory(tenant=tenant_a).user
    fresh = User.objects.get(pk=member.pk)

    with tenant_context(tenant_a):
        assert fresh.is_staff is False
