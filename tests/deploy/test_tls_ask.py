"""The on-demand TLS ask endpoint (midsummer/tls.py), against the real database."""

import pytest
from django.test import Client

from tenant.models import Domain
from tenant.routing import resolver
from tenant.services import custom_domain_add, custom_domain_verify, tenant_set_active
from tests.conftest import PUBLIC_HOST, TENANT_HOSTS

ASK = "/internal/tls-ask"


def ask(domain: str, *, via: str = "web:8000") -> tuple[int, bytes]:
    # Caddy asks with its upstream's address as the host, which is no platform host.
    response = Client(HTTP_HOST=via).get(ASK, {"domain": domain})
    return response.status_code, response.content


def test_tls_ask_says_yes_for_a_verified_custom_domain(tenant_a):
    custom = custom_domain_add(tenant=tenant_a, domain="tickets.alpha-con.example")
    custom_domain_verify(custom_domain=custom)

    assert ask("tickets.alpha-con.example") == (200, b"yes\n")


def test_tls_ask_says_no_for_an_unverified_custom_domain(tenant_a):
    custom_domain_add(tenant=tenant_a, domain="tickets.alpha-con.example")

    assert ask("tickets.alpha-con.example") == (404, b"no\n")


def test_tls_ask_says_no_for_an_unknown_host(db):
    assert ask("nobody.example") == (404, b"no\n")


def test_tls_ask_unverified_and_unknown_answers_are_identical(tenant_a):
    # Whether a convention has a pending custom domain is not revealed.
    custom_domain_add(tenant=tenant_a, domain="pending.alpha-con.example")

    assert ask("pending.alpha-con.example") == ask("never-registered.example")


def test_tls_ask_says_yes_for_platform_hosts(tenant_a, tenant_b):
    assert ask(TENANT_HOSTS["alpha"]) == (200, b"yes\n")
    assert ask(TENANT_HOSTS["beta"]) == (200, b"yes\n")
    assert ask(PUBLIC_HOST) == (200, b"yes\n")


def test_tls_ask_matches_hosts_case_insensitively(tenant_a):
    custom = custom_domain_add(tenant=tenant_a, domain="tickets.alpha-con.example")
    custom_domain_verify(custom_domain=custom)

    assert ask("Tickets.Alpha-Con.Example") == (200, b"yes\n")


@pytest.mark.parametrize(
    "lookalike",
    [
        # Another platform's names that merely contain ours, or ours with something around it.
        "alpha.localhost.attacker.example",
        "attacker-alpha.localhost",
        "www.alpha.localhost",
        "alpha.localhost-evil.example",
        "evil.tickets.alpha-con.example",
        "tickets.alpha-con.example.evil.example",
        "xn--lpha-zxa.localhost",  # a homograph's punycode
    ],
)
def test_tls_ask_says_no_for_lookalikes(tenant_a, lookalike):
    custom = custom_domain_add(tenant=tenant_a, domain="tickets.alpha-con.example")
    custom_domain_verify(custom_domain=custom)

    assert ask(lookalike) == (404, b"no\n")


def test_tls_ask_says_no_for_a_deactivated_convention(tenant_a):
    custom = custom_domain_add(tenant=tenant_a, domain="tickets.alpha-con.example")
    custom_domain_verify(custom_domain=custom)
    tenant_set_active(tenant=tenant_a, is_active=False)
    try:
        assert ask("tickets.alpha-con.example") == (404, b"no\n")
        assert ask(TENANT_HOSTS["alpha"]) == (404, b"no\n")
    finally:
        tenant_set_active(tenant=tenant_a, is_active=True)


def test_tls_ask_answers_a_new_host_at_once_and_a_removed_one_no(tenant_b):
    # Not cached while unknown; a removed host is forgotten (the route cache's invalidation).
    assert ask("beta-two.localhost")[0] == 404
    domain = Domain.objects.create(domain="beta-two.localhost", tenant=tenant_b)
    assert ask("beta-two.localhost")[0] == 200
    domain.delete()
    resolver.invalidate()  # what the NOTIFY does in a running process (committed tests cover it)
    assert ask("beta-two.localhost")[0] == 404


@pytest.mark.parametrize(
    "malformed",
    [
        "",
        " alpha.localhost",
        "alpha.localhost:443",
        "127.0.0.1",
        "-a.localhost",
        "a..localhost",
        "a" * 64 + ".localhost",
        "alpha.localhost/x",
        "*.localhost",
    ],
)
def test_tls_ask_refuses_malformed_questions_with_400(db, malformed):
    status, body = ask(malformed)

    assert status == 400
    assert body == b"Give the host as ?domain=<name>.\n"


def test_tls_ask_refuses_other_methods(db):
    response = Client(HTTP_HOST="web:8000").post(ASK, {"domain": "alpha.localhost"})

    assert response.status_code == 405


def test_tls_ask_answers_on_any_host_and_sets_no_cookie(tenant_a):
    # Reached by path on whatever host the proxy uses; nothing of a session or CSRF is set.
    response = Client(HTTP_HOST="alpha.localhost").get(ASK, {"domain": "alpha.localhost"})

    assert response.status_code == 200
    assert response.cookies == {}
    assert "Set-Cookie" not in response.headers


def test_tls_ask_costs_no_query_for_a_warm_host(tenant_a, django_assert_num_queries):
    ask(TENANT_HOSTS["alpha"])  # cold: one lookup, then the route is cached

    with django_assert_num_queries(0):
        assert ask(TENANT_HOSTS["alpha"]) == (200, b"yes\n")


def test_tls_ask_costs_one_lookup_for_an_unknown_host(db, django_assert_max_num_queries):
    # The host lookup, and the switch to public if the connection was elsewhere.
    with django_assert_max_num_queries(2):
        assert ask("nobody.example") == (404, b"no\n")
