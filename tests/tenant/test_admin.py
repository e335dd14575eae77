from django.conf import settings
from django_tenants.utils import tenant_context

from tests.factories.event import EventFactory
from tests.factories.tenant import PASSWORD, MembershipFactory, UserFactory


def _login(client, tenant, user) -> None:
    """Log in through the host's own log-in page (the session lands in that tenant's schema)."""
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content


def test_org_admin_sees_own_events_in_own_tenant_admin(tenant_a, client_a):
    member = MembershipFactory(tenant=tenant_a, is_tenant_superuser=True).user
    with tenant_context(tenant_a):
        EventFactory(name="Alpha Con")
    _login(client_a, tenant_a, member)

    index = client_a.get("/admin/")
    events = client_a.get("/admin/event/event/")

    assert index.status_code == 200
    assert b"Alpha admin" in index.content
    assert events.status_code == 200
    assert b"Alpha Con" in events.content


def test_tenant_admin_does_not_expose_shared_models(tenant_a, client_a):
    member = MembershipFactory(tenant=tenant_a, is_tenant_superuser=True).user
    _login(client_a, tenant_a, member)

    index = client_a.get("/admin/")

    assert b"/admin/tenant/membership/" in index.content  # its own team, yes
    for shared in (b"/admin/tenant/tenant/", b"/admin/tenant/user/", b"/admin/tenant/domain/"):
        assert shared not in index.content
        assert client_a.get(shared.decode()).status_code == 404


def test_org_admin_of_a_cannot_use_b_admin(tenant_a, tenant_b, client_a, client_b):
    member = MembershipFactory(tenant=tenant_a, is_tenant_superuser=True).user
    with tenant_context(tenant_b):
        EventFactory(name="Beta Secret Con")
    with tenant_context(tenant_b):
        client_b.force_login(member)  # a valid session on B's host, but no membership in B

    index = client_b.get("/admin/")
    events = client_b.get("/admin/event/event/")

    assert index.status_code == 302 and "/admin/login/" in index["Location"]
    assert events.status_code == 302
    assert b"Beta Secret Con" not in events.content


def test_login_form_of_b_rejects_a_member_of_a(tenant_a, client_b):
    member = MembershipFactory(tenant=tenant_a, is_tenant_superuser=True).user

    response = client_b.post(
        "/admin/login/?next=/admin/", {"username": member.email, "password": PASSWORD}
    )

    assert response.status_code == 200
    assert b"Please enter the correct email" in response.content


def test_session_cookie_from_a_does_not_authenticate_on_b(tenant_a, tenant_b, client_a, client_b):
    member = MembershipFactory(tenant=tenant_a, is_tenant_superuser=True).user
    MembershipFactory(tenant=tenant_b, user=member, is_tenant_superuser=True)
    _login(client_a, tenant_a, member)
    session_id = client_a.cookies[settings.SESSION_COOKIE_NAME].value
    client_b.cookies[settings.SESSION_COOKIE_NAME] = session_id  # replay it on B's host

    response_a = client_a.get("/admin/")
    response_b = client_b.get("/admin/")

    assert response_a.status_code == 200
    assert response_b.status_code == 302 and "/admin/login/" in response_b["Location"]


def test_platform_operator_cannot_browse_a_tenant_admin(tenant_a, client_a):
    operator = UserFactory(is_superuser=True)
    with tenant_context(tenant_a):
        EventFactory(name="Alpha Con")
    with tenant_context(tenant_a):
        client_a.force_login(operator)

    response = client_a.get("/admin/event/event/")

    assert response.status_code == 302


def test_platform_operator_uses_public_admin(tenant_a, client_public):
    operator = UserFactory(is_superuser=True)
    client_public.force_login(operator)

    response = client_public.get("/admin/tenant/tenant/")

    assert response.status_code == 200
    assert b"Alpha" in response.content


def test_tenant_member_cannot_use_public_admin(tenant_a, client_public):
    member = MembershipFactory(tenant=tenant_a, is_tenant_superuser=True).user
    client_public.force_login(member)

    response = client_public.get("/admin/tenant/tenant/")

    assert response.status_code == 302
