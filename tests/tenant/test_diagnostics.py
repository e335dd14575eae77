from tenant.roles import Role
from tests.factories.tenant import PASSWORD, MembershipFactory


def _login(client, user) -> None:
    client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})


def test_developer_sees_this_schemas_migrations_and_hosts(tenant_a, client_a):
    developer = MembershipFactory(tenant=tenant_a, is_developer=True).user
    _login(client_a, developer)

    index = client_a.get("/admin/")
    page = client_a.get("/admin/diagnostics/")

    assert b"/admin/diagnostics/" in index.content
    assert page.status_code == 200
    assert b"<code>alpha</code>" in page.content
    assert b"<td>event</td>" in page.content
    assert b"behind" not in page.content
    assert b"alpha.localhost (primary)" in page.content
    assert b"beta.localhost" not in page.content


def test_diagnostics_are_for_developers_only(tenant_a, client_a):
    shop_lead = MembershipFactory(tenant=tenant_a, roles=[Role.SHOP_LEAD]).user
    _login(client_a, shop_lead)

    assert b"/admin/diagnostics/" not in client_a.get("/admin/").content
    assert client_a.get("/admin/diagnostics/").status_code == 403


def test_developer_of_a_gets_no_diagnostics_of_b(tenant_a, client_b):
    developer = MembershipFactory(tenant=tenant_a, is_developer=True).user
    _login(client_b, developer)

    response = client_b.get("/admin/diagnostics/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
