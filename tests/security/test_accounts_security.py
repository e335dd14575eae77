"""Security review findings 2–5: an address grants nothing until proven, roles count once
accepted from the mailbox, mailed links come from the canonical host and work on their own site
only, and a convention's admin offers no account it does not know."""

from __future__ import annotations

import json
import re
from decimal import Decimal

from django.core import mail
from django.test import Client, RequestFactory
from django.utils import timezone
from django_tenants.utils import tenant_context

from midsummer.admin_sites import tenant_admin_site
from register.models import Registration
from register.services import order_place
from tenant.models import CustomDomain, Membership, User
from tenant.roles import Role
from tenant.services import membership_invite
from tests.conftest import TENANT_HOSTS
from tests.factories.event import EventFactory
from tests.factories.register import BadgeLevelFactory, attendee
from tests.factories.tenant import PASSWORD, MembershipFactory, UserFactory


def _logged_in(host: str, user: User) -> Client:
    client = Client(HTTP_HOST=host)
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _badge_bought_for(tenant, email: str) -> Registration:
    with tenant_context(tenant):
        level = BadgeLevelFactory(event=EventFactory(is_active=True), price=Decimal("0"))
        order = order_place(
            event=level.event,
            account=UserFactory(),
            provider="free",
            attendees=[attendee(level, email=email, legal_name="Friend Realname")],
        )
        return order.registrations.get()


def test_an_unproven_address_gets_no_badge_data_and_cannot_delete_it(tenant_a):
    """Finding 2: signing up as friend@ shows nothing of a badge bought for friend@ and cannot
    anonymize it; once the mailbox is proven, the badge is the person's data."""
    badge = _badge_bought_for(tenant_a, "friend@example.org")
    squatter = UserFactory(email="friend@example.org")  # never confirmed the address
    client = _logged_in(TENANT_HOSTS["alpha"], squatter)

    export = json.loads(client.get("/my-data/").content)
    client.post("/my-data/delete/")
    with tenant_context(tenant_a):
        badge.refresh_from_db()
    squatter.email_verified_at = timezone.now()
    squatter.save(update_fields=["email_verified_at"])
    proven_export = json.loads(client.get("/my-data/").content)

    assert "register" not in export
    assert badge.legal_name == "Friend Realname"
    assert [r["legal_name"] for r in proven_export["register"]["registrations"]] == [
        "Friend Realname"
    ]


def test_an_invitation_to_an_address_someone_registered_grants_nothing_until_accepted(
    tenant_a, django_capture_on_commit_callbacks
):
    """Finding 3: the attacker's account for staff@ has a session; the org admin invites
    staff@ as org admin; the session gets no admin until the invitation is accepted with the
    link mailed to staff@."""
    attacker = UserFactory(email="staff@example.org")
    session = _logged_in(TENANT_HOSTS["alpha"], attacker)
    inviter = MembershipFactory(tenant=tenant_a, roles=[Role.ORG_ADMIN]).user

    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        membership_invite(
            tenant=tenant_a, email="staff@example.org", roles=[Role.ORG_ADMIN], invited_by=inviter
        )
    admin_before = session.get("/admin/")
    link = re.search(r"(/accounts/invitation/\S+)", mail.outbox[-1].body).group(1)
    on_other_host = Client(HTTP_HOST=TENANT_HOSTS["beta"]).get(link)
    session.post(link)  # the mailbox's owner accepting (here: the account's holder)
    admin_after = session.get("/admin/")

    assert admin_before.status_code == 302
    assert on_other_host.status_code == 404
    assert Membership.objects.get(user=attacker).accepted_at is not None
    assert admin_after.status_code == 200


def test_reset_links_come_from_the_canonical_host_and_work_on_that_site_only(
    tenant_a, tenant_b, settings, django_capture_on_commit_callbacks
):
    """Finding 4: asked for through beta's verified custom domain on an odd port, the link
    points at beta's primary host with the configured port, and its token is refused on alpha."""
    settings.SITE_LINK_PORT = 8000
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "beta-con.example"]
    CustomDomain.objects.create(
        tenant=tenant_b,
        domain="beta-con.example",
        verification_token="t",
        verified_at=timezone.now(),
    )
    person = UserFactory(email="operator@example.org")
    via_custom = Client(HTTP_HOST="beta-con.example:6666")

    with django_capture_on_commit_callbacks(execute=True):
        via_custom.post("/accounts/password/reset/", {"email": person.email})
    link = re.search(r"(https?://[^/\s]+)(/accounts/password/reset/\S+)", mail.outbox[-1].body)
    on_alpha = Client(HTTP_HOST=TENANT_HOSTS["alpha"]).get(link.group(2), follow=True)
    on_beta = Client(HTTP_HOST=TENANT_HOSTS["beta"]).get(link.group(2), follow=True)

    assert link.group(1) == "https://beta.localhost:8000"
    assert b"This link no longer works" in on_alpha.content
    assert b"new_password1" in on_beta.content


def test_the_convention_admin_offers_only_people_it_knows(tenant_a, tenant_b):
    """Finding 5: the Holder choice of a registration lists this convention's team and
    attendees, not the platform's other accounts."""
    org_admin = MembershipFactory(tenant=tenant_a, roles=[Role.ORG_ADMIN]).user
    MembershipFactory(
        tenant=tenant_b, user__email="beta-admin@example.org", is_tenant_superuser=True
    )
    UserFactory(email="platform-stranger@example.org", is_superuser=True)
    badge = _badge_bought_for(tenant_a, "friend@example.org")
    client = _logged_in(TENANT_HOSTS["alpha"], org_admin)

    page = client.get(f"/admin/register/registration/{badge.pk}/change/").content.decode()
    # The holder is shown, not chosen, on that page today; every admin of the convention site
    # guards its choices of a person all the same (a field made editable later, an inline).
    registration_admin = tenant_admin_site._registry[Registration]
    request = RequestFactory().get("/admin/")
    request.user = org_admin
    with tenant_context(tenant_a):
        holder = Registration._meta.get_field("holder")
        choice = registration_admin.formfield_for_foreignkey(holder, request)
        offered = set(choice.queryset.values_list("email", flat=True))

    assert "beta-admin@example.org" not in page
    assert "platform-stranger@example.org" not in page
    assert org_admin.email in offered
    assert badge.order.account.email in offered  # the buyer
    assert "beta-admin@example.org" not in offered
    assert "platform-stranger@example.org" not in offered


def test_no_list_filter_of_a_convention_admin_lists_accounts():
    """A filter over an account field would list every account of the platform."""
    from django.contrib.auth import get_user_model

    from midsummer.admin_sites import tenant_admin_site

    offending = []
    for model, model_admin in tenant_admin_site._registry.items():
        for entry in model_admin.list_filter:
            name = entry[0] if isinstance(entry, tuple) else entry
            if not isinstance(name, str):
                continue
            field_model = model
            for part in name.split("__"):
                field = field_model._meta.get_field(part)
                field_model = field.related_model or field_model
            if field_model is get_user_model():
                offending.append(f"{model.__name__}.{name}")
    assert offending == []
