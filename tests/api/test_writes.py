"""The API's writes: cancel and refund orders where scope and role allow, each at most once per
``Idempotency-Key`` — also when the same key arrives twice at the same moment."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from api.models import IdempotentRequest
from register.models import Order
from register.services import order_place
from tenant.models import Tenant, User
from tenant.roles import Role
from tests.api.conftest import api_client, make_convention, person_token, token_for
from tests.concurrency import run_at_once
from tests.conftest import TENANT_HOSTS
from tests.factories.register import attendee
from tests.factories.tenant import MembershipFactory, UserFactory


def _refund(client: Client, order_id: int, body: dict, key: str = "") -> object:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(
        f"/api/v1/orders/{order_id}/refund/",
        json.dumps(body),
        content_type="application/json",
        **headers,
    )


def test_orders_are_listed_with_their_badges_and_an_unpaid_one_is_cancelled(tenant_a, convention):
    token, _app = token_for(tenant_a)
    client = api_client("alpha", token)
    with tenant_context(tenant_a):
        unpaid = order_place(
            event=convention.event,
            account=UserFactory(),
            attendees=[attendee(convention.level)],
            provider="simulated",
        )

    listed = client.get("/api/v1/orders/", {"status": "pending"})
    cancelled = client.post(
        f"/api/v1/orders/{unpaid.pk}/cancel/",
        {"note": "duplicate"},
        content_type="application/json",
    )
    paid = client.post(f"/api/v1/orders/{convention.order.pk}/cancel/", "{}", "application/json")
    missing = client.post("/api/v1/orders/999999/cancel/", "{}", "application/json")

    assert [o["reference"] for o in listed.json()["results"]] == [unpaid.reference]
    assert listed.json()["results"][0]["registrations"][0]["level"]["name"] == "Attendee"
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert paid.status_code == 409 and "Only unpaid orders" in paid.json()["detail"]
    assert missing.status_code == 404
    with tenant_context(tenant_a):
        assert unpaid.status_changes.last().note == "duplicate"


def test_a_refund_needs_the_write_scope_and_a_role_that_changes_orders(tenant_a, convention):
    read_only, _app = token_for(tenant_a, scopes="registrations:read")
    kiosk = UserFactory()
    MembershipFactory(user=kiosk, tenant=tenant_a, roles=[Role.KIOSK_OPERATOR])
    lead = UserFactory()
    MembershipFactory(user=lead, tenant=tenant_a, roles=[Role.REGISTRATION_LEAD])
    order_id = convention.order.pk

    without_scope = _refund(api_client("alpha", read_only), order_id, {})
    without_role = _refund(api_client("alpha", person_token(tenant_a, kiosk)), order_id, {})
    too_much = _refund(
        api_client("alpha", person_token(tenant_a, lead)), order_id, {"amount": "99"}
    )
    part = _refund(api_client("alpha", person_token(tenant_a, lead)), order_id, {"amount": "20"})

    assert (
        without_scope.status_code == 403 and "registrations:write" in without_scope.json()["detail"]
    )
    assert without_role.status_code == 403
    assert (
        too_much.status_code == 409 and "Refund between 0.01 and 50.00" in too_much.json()["detail"]
    )
    assert part.status_code == 200 and part.json()["refunded_total"] == "20.00"
    assert part.json()["status"] == "paid"
    with tenant_context(tenant_a):
        assert Order.objects.get(pk=order_id).refunded_total == Decimal("20.00")


def test_the_same_idempotency_key_refunds_once_and_answers_the_same(tenant_a, convention):
    token, _app = token_for(tenant_a)
    client = api_client("alpha", token)
    order_id = convention.order.pk

    first = _refund(client, order_id, {"amount": "10"}, key="refund-7f3a")
    again = _refund(client, order_id, {"amount": "10"}, key="refund-7f3a")
    other_body = _refund(client, order_id, {"amount": "11"}, key="refund-7f3a")
    new_key = _refund(client, order_id, {"amount": "10"}, key="refund-8b21")
    other_client, _app = token_for(tenant_a)  # keys are per client
    theirs = _refund(api_client("alpha", other_client), order_id, {"amount": "10"}, "refund-7f3a")
    bad_key = _refund(client, order_id, {"amount": "10"}, key="x" * 300)

    assert first.status_code == again.status_code == 200
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert other_body.status_code == 422 and "different request" in other_body.json()["detail"]
    assert new_key.json()["refunded_total"] == "20.00"
    assert theirs.json()["refunded_total"] == "30.00"
    assert bad_key.status_code == 400
    with tenant_context(tenant_a):
        assert Order.objects.get(pk=order_id).refunded_total == Decimal("30.00")


def test_a_refused_write_is_replayed_too_but_a_bad_body_may_be_sent_again(tenant_a, convention):
    token, _app = token_for(tenant_a)
    client = api_client("alpha", token)
    order_id = convention.order.pk

    refused = _refund(client, order_id, {"amount": "80"}, key="k1")
    refused_again = _refund(client, order_id, {"amount": "80"}, key="k1")
    malformed = _refund(client, order_id, {"amount": "lots"}, key="k2")

    assert refused.status_code == refused_again.status_code == 409
    assert malformed.status_code == 400 and "amount" in malformed.json()["errors"]
    with tenant_context(tenant_a):
        assert not IdempotentRequest.objects.filter(key="k2").exists()


@pytest.fixture
def committed_order(committed):
    """A paid order and a token outside any test transaction, for requests in threads of
    their own."""
    alpha = Tenant.objects.get(schema_name="alpha")
    made = make_convention(alpha)
    token, app = token_for(alpha)
    try:
        yield made, token
    finally:
        app.delete()
        with tenant_context(alpha):
            IdempotentRequest.objects.all().delete()
            made.order.status_changes.all().delete()
            made.order.registrations.all().delete()
            Order.objects.filter(pk=made.order.pk).delete()
            made.level.delete()
            made.event.delete()
        User.objects.filter(pk=made.order.account_id).delete()


def test_the_same_key_sent_four_times_at_once_refunds_once(committed_order):
    made, token = committed_order
    order_id = made.order.pk

    def send(_n: int):
        answer = _refund(api_client("alpha", token), order_id, {"amount": "5"}, key="race-1")
        return answer.status_code, answer.content

    answers = run_at_once(send, range(4))
    connection.close()

    assert {status for status, _body in answers} == {200}
    assert len({body for _status, body in answers}) == 1
    with tenant_context(Tenant.objects.get(schema_name="alpha")):
        assert Order.objects.get(pk=order_id).refunded_total == Decimal("5.00")
        assert IdempotentRequest.objects.filter(key="race-1").count() == 1


def test_a_token_of_another_convention_cannot_refund_here(tenant_a, tenant_b, convention):
    theirs, _app = token_for(tenant_b)
    answer = _refund(
        Client(HTTP_HOST=TENANT_HOSTS["alpha"], HTTP_AUTHORIZATION=f"Bearer {theirs}"),
        convention.order.pk,
        {},
        key="foreign",
    )

    assert answer.status_code == 401
    with tenant_context(tenant_a):
        assert Order.objects.get(pk=convention.order.pk).refunded_total == 0
        assert not IdempotentRequest.objects.exists()


def test_refusals_speak_the_callers_language(tenant_a, convention):
    read_only, _app = token_for(tenant_a, scopes="registrations:read")
    client = api_client("alpha", read_only)

    english = _refund(client, convention.order.pk, {})
    german_client = Client(
        HTTP_HOST=TENANT_HOSTS["alpha"],
        HTTP_AUTHORIZATION=f"Bearer {read_only}",
        HTTP_ACCEPT_LANGUAGE="de",
    )
    refused = german_client.post(
        f"/api/v1/orders/{convention.order.pk}/refund/", "{}", "application/json"
    )
    bad = german_client.get("/api/v1/orders/", {"status": "lost"})

    assert "does not carry the scope registrations:write" in english.json()["detail"]
    assert refused.json()["detail"] == "Dieses Token trägt den Scope registrations:write nicht."
    assert bad.json()["detail"] == "Einige Felder stimmen nicht: siehe errors."
    assert bad.json()["errors"]["status"] == ['"lost" ist keine gültige Option.']  # DRF's
