"""Throttles count per client: behind trusted reverse proxies the client's address comes from
X-Forwarded-For as the login throttle (axes) reads it, so buyers behind one proxy do not share
one counter; and a form sent twice places one order."""

import pytest
from django_tenants.utils import tenant_context

from register.models import Order
from tenant.throttling import client_ip
from tests.factories.register import DiscountCodeFactory
from tests.factories.tenant import UserFactory
from tests.register.form_data import post_order

PROXY = "10.0.0.2"


@pytest.fixture
def behind_one_proxy(settings):
    """TRUSTED_PROXY_COUNT=1, as midsummer/settings.py turns it into axes' settings."""
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]


def test_client_ip_is_the_forwarded_address_behind_a_trusted_proxy(behind_one_proxy, rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR=f"203.0.113.7, {PROXY}", REMOTE_ADDR=PROXY)

    assert client_ip(request) == "203.0.113.7"


def test_client_ip_ignores_forwarded_addresses_without_trusted_proxies(rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="198.51.100.1")

    assert client_ip(request) == "198.51.100.1"


def test_wrong_codes_behind_one_proxy_are_counted_per_client(
    sale, behind_one_proxy, logged_in, tenant_a
):
    event, level, _ = sale
    with tenant_context(tenant_a):
        DiscountCodeFactory(event=event, code="REAL")

    def buyer_at(address: str):
        forwarded = f"{address}, {PROXY}"
        return logged_in(UserFactory(), HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=PROXY)

    guesser, same_address, neighbour = (
        buyer_at("203.0.113.7"),
        buyer_at("203.0.113.7"),
        buyer_at("198.51.100.9"),
    )
    guesses = [
        post_order(guesser, level, people=1, submission=f"g{n}", discount_code=f"GUESS{n}")
        for n in range(10)
    ]

    blocked = post_order(same_address, level, people=1, submission="s", discount_code="real")
    served = post_order(neighbour, level, people=1, submission="n", discount_code="real")

    assert [response.status_code for response in guesses] == [400] * 10
    assert blocked.status_code == 429  # another account, the same client address
    assert served.status_code == 302  # the same proxy, another client
    with tenant_context(tenant_a):
        assert list(Order.objects.values_list("account", flat=True)) == [neighbour.user.pk]
