import re

from django.core import mail

from tenant.models import Membership, User
from tenant.roles import Role
from tests.factories.tenant import PASSWORD, MembershipFactory, UserFactory


def _login(client, user) -> None:
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302


def test_member_list_shows_only_this_tenants_team(tenant_a, tenant_b, client_a):
    org_admin = MembershipFactory(tenant=tenant_a, roles=[Role.ORG_ADMIN]).user
    MembershipFactory(tenant=tenant_a, user__email="lead@alpha.test", roles=[Role.SHOP_LEAD])
    MembershipFactory(tenant=tenant_b, user__email="lead@beta.test", roles=[Role.SHOP_LEAD])
    _login(client_a, org_admin)

    response = client_a.get("/admin/tenant/membership/")

    assert response.status_code == 200
    assert b"lead@alpha.test" in response.content
    assert b"Shop lead" in response.content
    assert b"lead@beta.test" not in response.content


def test_another_tenants_membership_cannot_be_opened_by_id(tenant_a, tenant_b, client_a):
    org_admin = MembershipFactory(tenant=tenant_a, roles=[Role.ORG_ADMIN]).user
    theirs = MembershipFactory(tenant=tenant_b, user__email="lead@beta.test")
    _login(client_a, org_admin)

    response = client_a.get(f"/admin/tenant/membership/{theirs.pk}/change/", follow=True)

    assert b"lead@beta.test" not in response.content
    assert b"doesn\xe2\x80\x99t exist" in response.content


def _invitation_link() -> str:
    found = re.search(
        r"https?://alpha\.localhost(?::\d+)?(/accounts/invitation/\S+)", mail.outbox[-1].body
    )
    assert found, mail.outbox[-1].body
    return found.group(1)


def test_org_admin_invites_a_new_person_who_sets_a_password_and_joins(
    tenant_a, client_a, django_capture_on_commit_callbacks
):
    org_admin = MembershipFactory(tenant=tenant_a, roles=[Role.ORG_ADMIN]).user
    _login(client_a, org_admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(
            "/admin/tenant/membership/add/",
            {"email": "New.Lead@Example.org", "roles": [Role.REGISTRATION_LEAD]},
        )
    invited = Membership.objects.get(tenant=tenant_a, user__email="new.lead@example.org")
    link = _invitation_link()
    client_a.post("/accounts/logout/")
    page = client_a.get(link)
    accepted = client_a.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})

    invited.refresh_from_db()
    assert response.status_code == 302
    assert invited.roles == [Role.REGISTRATION_LEAD]
    assert mail.outbox[0].to == ["new.lead@example.org"]
    assert "invited you to the team of Alpha" in mail.outbox[0].body
    assert b"Choose a password" in page.content
    assert accepted.status_code == 302
    assert invited.accepted_at is not None
    assert invited.user.email_verified_at is not None
    assert client_a.get("/admin/").status_code == 200


def test_inviting_an_existing_account_keeps_its_password_and_counts_once_accepted(
    tenant_a, client_a, django_capture_on_commit_callbacks
):
    org_admin = MembershipFactory(tenant=tenant_a, roles=[Role.ORG_ADMIN]).user
    existing = UserFactory(email="known@example.org")
    _login(client_a, org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(
            "/admin/tenant/membership/add/",
            {"email": "known@example.org", "roles": [Role.STAFF_LEAD]},
        )
    link = _invitation_link()
    client_a.post("/accounts/logout/")
    _login(client_a, existing)

    before = client_a.get("/admin/")
    accepted = client_a.post(link)
    after = client_a.get("/admin/")

    assert User.objects.get(pk=existing.pk).check_password(PASSWORD)
    assert before.status_code == 302  # to the admin's log-in: not on the team yet
    assert accepted.status_code == 302
    assert after.status_code == 200


def test_org_admin_cannot_make_anyone_tenant_superuser(tenant_a, client_a):
    org_admin = MembershipFactory(tenant=tenant_a, roles=[Role.ORG_ADMIN]).user
    _login(client_a, org_admin)

    client_a.post(
        "/admin/tenant/membership/add/",
        {"email": "crony@example.org", "roles": [], "is_tenant_superuser": "on"},
    )

    crony = Membership.objects.get(tenant=tenant_a, user__email="crony@example.org")
    assert crony.is_tenant_superuser is False


def test_org_admin_cannot_change_or_remove_a_tenant_superuser(tenant_a, client_a):
    org_admin = MembershipFactory(tenant=tenant_a, roles=[Role.ORG_ADMIN]).user
    owner = MembershipFactory(tenant=tenant_a, is_tenant_superuser=True)
    _login(client_a, org_admin)

    change = client_a.post(
        f"/admin/tenant/membership/{owner.pk}/change/", {"roles": [Role.SHOP_LEAD]}
    )
    delete = client_a.post(f"/admin/tenant/membership/{owner.pk}/delete/", {"post": "yes"})

    assert change.status_code == 403
    assert delete.status_code == 403
    assert Membership.objects.filter(pk=owner.pk, roles=[]).exists()


def test_role_without_member_rights_cannot_see_the_team(tenant_a, client_a):
    shop_lead = MembershipFactory(tenant=tenant_a, roles=[Role.SHOP_LEAD]).user
    _login(client_a, shop_lead)

    response = client_a.get("/admin/tenant/membership/")

    assert response.status_code == 403
