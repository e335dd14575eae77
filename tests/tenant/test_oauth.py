"""OAuth2 and OpenID Connect: every application, and so every token, belongs to one tenant."""

from __future__ import annotations

import base64
import json
from decimal import Decimal

import pytest
import requests
from django_tenants.utils import schema_context, tenant_context
from jwcrypto import jwk, jwt
from requests_oauthlib import OAuth2Session

from register.models import Order, Registration
from register.services import order_place
from tenant.models import Application, Membership, Tenant, User
from tenant.roles import Role
from tests.factories.event import EventFactory
from tests.factories.register import BadgeLevelFactory, attendee
from tests.factories.tenant import PASSWORD, ApplicationFactory


def _kiosk_app(tenant: Tenant) -> tuple[Application, str]:
    app = ApplicationFactory(tenant=tenant)
    return app, app.plain_secret


def _basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def _kiosk_token(client, app: Application, secret: str):
    return client.post(
        "/o/token/",
        {"grant_type": "client_credentials", "scope": "read"},
        HTTP_AUTHORIZATION=_basic(app.client_id, secret),
    )


def test_kiosk_token_works_on_its_own_tenant(tenant_a, client_a):
    app, secret = _kiosk_app(tenant_a)

    token = _kiosk_token(client_a, app, secret).json()["access_token"]
    me = client_a.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert me.status_code == 200
    assert me.json() == {"tenant": "Alpha", "application": "Front desk kiosk", "kind": "device"}


def test_token_of_an_application_of_a_is_refused_on_b(tenant_a, client_a, client_b):
    app, secret = _kiosk_app(tenant_a)
    token = _kiosk_token(client_a, app, secret).json()["access_token"]

    me = client_b.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert me.status_code == 401
    assert me["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert b"Alpha" not in me.content and b"kiosk" not in me.content


def test_application_of_a_cannot_get_a_token_on_b(tenant_a, client_b):
    app, secret = _kiosk_app(tenant_a)

    response = _kiosk_token(client_b, app, secret)

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_api_without_a_token_is_401(client_a):
    response = client_a.get("/api/me")

    assert response.status_code == 401


def test_discovery_document_is_per_tenant_host(client_a, client_b):
    alpha = client_a.get("/o/.well-known/openid-configuration").json()
    beta = client_b.get("/o/.well-known/openid-configuration").json()

    assert alpha["issuer"] == "http://alpha.localhost/o"
    assert beta["issuer"] == "http://beta.localhost/o"
    assert alpha["code_challenge_methods_supported"] == ["S256"]


def _log_in_over_http(session: requests.Session, base: str, person: User) -> requests.Response:
    session.get(f"{base}/accounts/login/")
    return session.post(
        f"{base}/accounts/login/",
        data={
            "username": person.email,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        allow_redirects=False,
    )


@pytest.fixture
def oauth_bot(committed):
    """A con's bot (authorization code + PKCE) in alpha, and a person who is a member of both
    alpha and beta: only the application decides where its tokens count."""
    alpha = Tenant.objects.get(schema_name="alpha")
    beta = Tenant.objects.get(schema_name="beta")
    with schema_context("public"):
        person = User.objects.create_user("oauth-fan@example.org", PASSWORD, full_name="Oauth Fan")
        Membership.objects.create(user=person, tenant=alpha, roles=[Role.SCHEDULE_LEAD])
        Membership.objects.create(user=person, tenant=beta, roles=[Role.SHOP_LEAD])
        app = ApplicationFactory(
            tenant=alpha,
            name="Con Bot",
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris="http://127.0.0.1/callback",
            skip_authorization=True,
            algorithm=Application.RS256_ALGORITHM,
        )
    try:
        yield app, app.plain_secret, person
    finally:
        with schema_context("public"):
            app.delete()
            person.delete()


def test_authorization_code_pkce_refresh_and_id_token_over_http(gunicorn, oauth_bot, monkeypatch):
    port, _ = gunicorn
    app, secret, person = oauth_bot
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the client side: plain http locally
    base = f"http://127.0.0.1:{port}"
    issuer = f"http://alpha.localhost:{port}/o"
    bot = OAuth2Session(
        app.client_id,
        redirect_uri="http://127.0.0.1/callback",
        scope=["openid", "email", "read"],
        pkce="S256",
    )
    bot.headers["Host"] = f"alpha.localhost:{port}"  # *.localhost is loopback, as in browsers

    logged_in = _log_in_over_http(bot, base, person)
    authorize_url, _state = bot.authorization_url(f"{base}/o/authorize/")
    callback = bot.get(authorize_url, allow_redirects=False).headers["Location"]
    token = bot.fetch_token(
        f"{base}/o/token/", authorization_response=callback, client_secret=secret
    )
    me = bot.get(f"{base}/api/me")
    userinfo = bot.get(f"{base}/o/userinfo/")
    refreshed = bot.refresh_token(
        f"{base}/o/token/", auth=requests.auth.HTTPBasicAuth(app.client_id, secret)
    )
    me_after_refresh = bot.get(f"{base}/api/me")
    on_beta = requests.get(
        f"{base}/api/me",
        headers={
            "Host": f"beta.localhost:{port}",
            "Authorization": f"Bearer {refreshed['access_token']}",
        },
        timeout=10,
    )
    jwks = requests.get(
        f"{base}/o/.well-known/jwks.json", headers={"Host": f"alpha.localhost:{port}"}, timeout=10
    ).text
    id_claims = json.loads(jwt.JWT(jwt=token["id_token"], key=jwk.JWKSet.from_json(jwks)).claims)

    assert logged_in.status_code == 302
    assert callback.startswith("http://127.0.0.1/callback?code=")
    assert {"access_token", "refresh_token", "id_token"} <= set(token)
    assert me.status_code == 200
    assert me.json() == {
        "tenant": "Alpha",
        "application": "Con Bot",
        "kind": "user",
        "email": "oauth-fan@example.org",
        "name": "Oauth Fan",
        "roles": ["schedule_lead"],
        "is_tenant_superuser": False,
        "is_developer": False,
    }
    assert userinfo.json()["email"] == "oauth-fan@example.org"
    assert refreshed["access_token"] != token["access_token"]
    assert me_after_refresh.status_code == 200
    assert on_beta.status_code == 401
    assert "shop_lead" not in on_beta.text
    assert (id_claims["iss"], id_claims["aud"], id_claims["email"]) == (
        issuer,
        app.client_id,
        "oauth-fan@example.org",
    )


@pytest.mark.parametrize("has_paid_badge", [False, True])
def test_tokens_are_for_members_and_attendees_only(
    gunicorn, oauth_bot, monkeypatch, has_paid_badge
):
    port, _ = gunicorn
    app, secret, person = oauth_bot
    Membership.objects.filter(user=person, tenant__schema_name="alpha").delete()
    alpha = Tenant.objects.get(schema_name="alpha")
    with tenant_context(alpha):
        level = BadgeLevelFactory(event=EventFactory(slug="oauth-con"), price=Decimal("0"))
        if has_paid_badge:  # a free badge is paid at once
            order_place(
                event=level.event, account=person, provider="free", attendees=[attendee(level)]
            )
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    base = f"http://127.0.0.1:{port}"
    bot = OAuth2Session(
        app.client_id, redirect_uri="http://127.0.0.1/callback", scope=["read"], pkce="S256"
    )
    bot.headers["Host"] = f"alpha.localhost:{port}"
    try:
        _log_in_over_http(bot, base, person)
        authorize_url, _state = bot.authorization_url(f"{base}/o/authorize/")
        callback = bot.get(authorize_url, allow_redirects=False).headers["Location"]
        if has_paid_badge:
            bot.fetch_token(
                f"{base}/o/token/", authorization_response=callback, client_secret=secret
            )
            me = bot.get(f"{base}/api/me").json()
        else:
            with pytest.raises(Exception, match="invalid_grant"):
                bot.fetch_token(
                    f"{base}/o/token/", authorization_response=callback, client_secret=secret
                )
    finally:
        with tenant_context(alpha):
            Registration.objects.filter(event__slug="oauth-con").delete()
            Order.objects.filter(event__slug="oauth-con").delete()
            level.event.delete()

    if has_paid_badge:
        assert (me["kind"], me["email"], me["roles"]) == ("user", person.email, [])


def test_developer_sees_only_this_tenants_applications(tenant_a, tenant_b, client_a):
    from tests.factories.tenant import MembershipFactory

    developer = MembershipFactory(tenant=tenant_a, is_developer=True).user
    _kiosk_app(tenant_a)
    theirs, _ = _kiosk_app(tenant_b)
    Application.objects.filter(pk=theirs.pk).update(name="Beta secret kiosk")
    client_a.post("/accounts/login/", {"username": developer.email, "password": PASSWORD})

    listing = client_a.get("/admin/tenant/application/")
    events = client_a.get("/admin/event/event/")

    assert listing.status_code == 200
    assert b"Front desk kiosk" in listing.content
    assert b"Beta secret kiosk" not in listing.content
    assert events.status_code == 403
