"""Security review findings 1, 6, 8 (token side) and 9: OAuth endpoints belong to their own
convention's host and answer nothing about another's."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from oauth2_provider.models import AccessToken

from tenant.models import Application, Tenant
from tests.conftest import TENANT_HOSTS
from tests.factories.tenant import PASSWORD, ApplicationFactory, MembershipFactory, UserFactory


def _basic(app: Application) -> str:
    return "Basic " + base64.b64encode(f"{app.client_id}:{app.plain_secret}".encode()).decode()


def _token(client: Client, app: Application) -> str:
    response = client.post(
        "/o/token/",
        {"grant_type": "client_credentials", "scope": "read"},
        HTTP_AUTHORIZATION=_basic(app),
    )
    return response.json()["access_token"]


def _logged_in(host: str, user) -> Client:
    client = Client(HTTP_HOST=host)
    client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    return client


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/o/applications/"),
        ("get", "/o/applications/{pk}/"),
        ("post", "/o/applications/{pk}/update/"),
        ("post", "/o/applications/{pk}/delete/"),
        ("post", "/o/applications/register/"),
        ("post", "/o/register/"),
        ("get", "/o/logout/"),
        ("post", "/o/device-authorization/"),
        ("get", "/o/device/"),
    ],
)
def test_self_service_application_pages_and_unused_flows_are_not_served(
    tenant_a, tenant_b, method, path
):
    """Applications are managed in the convention's own admin only (finding 1); logout and
    the device flow, which answered 500, are not mounted (finding 9)."""
    app = ApplicationFactory(tenant=tenant_a, redirect_uris="https://bot.example/cb")
    alpha_admin = MembershipFactory(tenant=tenant_a, is_tenant_superuser=True).user
    attendee_elsewhere = UserFactory()

    answers = [
        getattr(client, method)(path.format(pk=app.pk), {"redirect_uris": "https://evil.example/"})
        for client in (
            _logged_in(TENANT_HOSTS["alpha"], alpha_admin),
            _logged_in(TENANT_HOSTS["beta"], alpha_admin),
            _logged_in(TENANT_HOSTS["alpha"], attendee_elsewhere),
            Client(HTTP_HOST=TENANT_HOSTS["alpha"]),
        )
    ]

    app.refresh_from_db()
    assert [answer.status_code for answer in answers] == [404] * 4
    assert app.redirect_uris == "https://bot.example/cb"
    assert Application.objects.filter(tenant__isnull=True).count() == 0


def test_introspection_knows_only_this_conventions_tokens(tenant_a, tenant_b, client_a, client_b):
    ours, theirs = ApplicationFactory(tenant=tenant_a), ApplicationFactory(tenant=tenant_b)
    our_token, their_token = _token(client_a, ours), _token(client_b, theirs)

    about_theirs = client_a.post(
        "/o/introspect/", {"token": their_token}, HTTP_AUTHORIZATION=_basic(ours)
    )
    about_ours = client_a.post(
        "/o/introspect/", {"token": our_token}, HTTP_AUTHORIZATION=_basic(ours)
    )

    assert about_theirs.json() == {"active": False}
    assert about_ours.json()["active"] is True
    assert about_ours.json()["client_id"] == ours.client_id


def test_authorized_tokens_lists_and_revokes_only_this_conventions_grants(tenant_a, tenant_b):
    person = UserFactory()
    alpha_app = ApplicationFactory(tenant=tenant_a, name="Alpha bot")
    beta_app = ApplicationFactory(tenant=tenant_b, name="Beta bot")
    tokens = {
        app.name: AccessToken.objects.create(
            user=person,
            application=app,
            token=f"tok-{app.pk}",
            scope="read",
            expires="2099-01-01T00:00:00Z",
        )
        for app in (alpha_app, beta_app)
    }
    on_beta = _logged_in(TENANT_HOSTS["beta"], person)

    listing = on_beta.get("/o/authorized_tokens/")
    deleting_alphas = on_beta.post(f"/o/authorized_tokens/{tokens['Alpha bot'].pk}/delete/")

    assert listing.status_code == 200
    assert b"Beta bot" in listing.content and b"Alpha bot" not in listing.content
    assert deleting_alphas.status_code == 404
    assert AccessToken.objects.filter(pk=tokens["Alpha bot"].pk).exists()


def test_userinfo_and_api_me_vary_on_the_token(tenant_a, client_a):
    app = ApplicationFactory(tenant=tenant_a)
    token = _token(client_a, app)

    me = client_a.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert "Authorization" in me["Vary"]
    assert me["Cache-Control"] == "private, no-store"
    assert Tenant.objects.filter(pk=tenant_a.pk).exists()


def test_wrong_client_secrets_are_throttled_per_client(tenant_a, client_a):
    """Finding 8: ten wrong secrets lock the client (and the address they came from) for the
    window, the right secret included; another client elsewhere is not affected."""
    app, other = ApplicationFactory(tenant=tenant_a), ApplicationFactory(tenant=tenant_a)
    wrong = "Basic " + base64.b64encode(f"{app.client_id}:guess".encode()).decode()

    guesses = [
        client_a.post(
            "/o/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=wrong
        ).status_code
        for _ in range(10)
    ]
    right = client_a.post(
        "/o/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=_basic(app)
    )

    assert guesses == [401] * 10
    assert right.status_code == 401
    assert _token(Client(HTTP_HOST=TENANT_HOSTS["alpha"], REMOTE_ADDR="198.51.100.4"), other)


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.decode().rstrip("=")


def test_a_replayed_authorization_code_revokes_the_tokens_it_gave(tenant_a, client_a):
    """Finding 8: RFC 6749 §4.1.2 — a code used twice is refused and the tokens of its first
    exchange stop working."""
    member = MembershipFactory(tenant=tenant_a).user
    app = ApplicationFactory(
        tenant=tenant_a,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="http://127.0.0.1/callback",
        skip_authorization=True,
    )
    client_a.post("/accounts/login/", {"username": member.email, "password": PASSWORD})
    verifier, challenge = _pkce()
    authorized = client_a.get(
        "/o/authorize/",
        {
            "client_id": app.client_id,
            "response_type": "code",
            "redirect_uri": "http://127.0.0.1/callback",
            "scope": "read",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
    )
    code = parse_qs(urlsplit(authorized["Location"]).query)["code"][0]
    exchange = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": "http://127.0.0.1/callback",
        "code_verifier": verifier,
    }

    first = client_a.post("/o/token/", exchange, HTTP_AUTHORIZATION=_basic(app)).json()
    works_before = client_a.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {first['access_token']}")
    replay = client_a.post("/o/token/", exchange, HTTP_AUTHORIZATION=_basic(app))
    works_after = client_a.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {first['access_token']}")
    refreshed = client_a.post(
        "/o/token/",
        {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
        HTTP_AUTHORIZATION=_basic(app),
    )

    assert works_before.status_code == 200
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert works_after.status_code == 401
    assert refreshed.status_code == 400


def test_pages_of_a_logged_in_person_are_private_and_public_pages_are_not(tenant_a, client_a):
    anonymous_home = client_a.get("/")
    client_a.post("/accounts/login/", {"username": UserFactory().email, "password": PASSWORD})
    mine = client_a.get("/register/mine/")
    my_data = client_a.get("/my-data/")

    assert "private" not in anonymous_home.get("Cache-Control", "")
    assert mine["Cache-Control"] == "private, no-store"
    assert my_data["Cache-Control"] == "private, no-store"


def test_an_application_is_managed_only_by_a_current_member_and_never_while_archived(
    tenant_a,
):
    """Finding 1: the convention's admin is the one place applications are managed: a developer
    whose membership was removed, or anyone while the convention is archived, changes nothing."""
    from tenant.routing import resolver

    app = ApplicationFactory(tenant=tenant_a, redirect_uris="https://bot.example/cb")
    membership = MembershipFactory(tenant=tenant_a, is_developer=True)
    client = _logged_in(TENANT_HOSTS["alpha"], membership.user)
    change = f"/admin/tenant/application/{app.pk}/change/"
    evil = {"redirect_uris": "https://evil.example/", "skip_authorization": "on"}

    allowed_page = client.get(change)
    membership.delete()
    as_former_member = client.post(change, evil)
    Tenant.objects.filter(pk=tenant_a.pk).update(state=Tenant.State.ARCHIVED)
    resolver.invalidate()
    owner = MembershipFactory(tenant=tenant_a, is_tenant_superuser=True).user
    while_archived = _logged_in_archived(owner).post(change, evil)

    app.refresh_from_db()
    assert allowed_page.status_code == 200
    assert as_former_member.status_code == 302  # to the admin's log-in
    assert while_archived.status_code == 403
    assert (app.redirect_uris, app.skip_authorization) == ("https://bot.example/cb", False)


def _logged_in_archived(user) -> Client:
    """An archived convention refuses every POST, log-ins included: a session made before."""
    from django.contrib.sessions.backends.db import SessionStore
    from django_tenants.utils import schema_context

    with schema_context("alpha"):
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "tenant.backends.MembershipBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.save()
    client = Client(HTTP_HOST=TENANT_HOSTS["alpha"])
    client.cookies["sessionid"] = session.session_key
    return client
