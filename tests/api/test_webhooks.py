"""Outgoing webhooks: signed POSTs of a convention's own events to a real HTTP receiver, after
commit only, retried with backoff and logged, never into a private network in production, and
retried by a real Celery worker."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from api.models import Webhook, WebhookAttempt, WebhookDelivery
from api.webhooks import (
    SIGNATURE_HEADER,
    webhook_attempt,
    webhook_ping,
    webhook_url_clean,
)
from event.models import Event
from kiosk.models import Device
from midsummer import celery_app
from register.models import BadgeLevel
from register.services import order_mark_paid, order_place
from tenant.models import Tenant
from tenant.signals import INTEGRATION_EVENTS
from tests.api.conftest import PRIVATE_NAME, api_client, token_for
from tests.api.receiver import start_receiver
from tests.conftest import TENANT_HOSTS
from tests.factories.event import EventFactory
from tests.factories.register import attendee
from tests.factories.tenant import PASSWORD, MembershipFactory, UserFactory
from tests.processes import start_celery_worker, stop, wait_for
from tests.schedule.conftest import make_programme


@pytest.fixture
def receiver():
    found, server = start_receiver()
    yield found
    server.shutdown()
    server.server_close()


@pytest.fixture
def open_network(settings):
    """Dev and tests call http:// addresses on this machine; production does not."""
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORK = True


def _signed_by(secret: str, headers: dict[str, str], body: bytes) -> bool:
    parts = dict(item.split("=", 1) for item in headers[SIGNATURE_HEADER].split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(parts["v1"], expected.hexdigest())


def _paid_order():
    event = EventFactory(start_date=dt.date(2031, 7, 1), end_date=dt.date(2031, 7, 3))
    level = BadgeLevel.objects.create(event=event, name="Attendee", price="40.00")
    order = order_place(
        event=event,
        account=UserFactory(),
        attendees=[attendee(level, legal_name=PRIVATE_NAME, email="zelda@example.org")],
        provider="simulated",
    )
    return order_mark_paid(order_id=order.pk, amount=order.total)


def test_a_paid_order_is_posted_signed_to_its_own_conventions_webhooks_only(
    tenant_a, tenant_b, receiver, open_network, django_capture_on_commit_callbacks
):
    other, other_server = start_receiver()
    try:
        with tenant_context(tenant_b):  # beta listens for the same event at its own address
            Webhook.objects.create(url=other.url, events=["order.paid"])
        with tenant_context(tenant_a):
            hook = Webhook.objects.create(url=receiver.url, events=["order.paid"])
            Webhook.objects.create(url=receiver.url, events=["checkin.redeemed"])
            with django_capture_on_commit_callbacks(execute=True):
                order = _paid_order()
            delivery = WebhookDelivery.objects.get()
            attempts = list(delivery.attempt_log.values_list("status_code", "response"))
    finally:
        other_server.shutdown()
        other_server.server_close()

    assert len(receiver.received) == 1 and other.received == []
    got = receiver.received[0]
    payload = json.loads(got.body)
    assert payload["type"] == "order.paid" and payload["convention"] == "alpha"
    assert payload["data"]["order"]["reference"] == order.reference
    assert payload["data"]["order"]["status"] == "paid"
    assert got.headers["Midsummer-Event"] == "order.paid"
    assert got.headers["Midsummer-Delivery"] == payload["id"] == str(delivery.uuid)
    assert _signed_by(hook.secret, got.headers, got.body)
    assert not _signed_by("another secret", got.headers, got.body)
    # Ids and references only: the receiver reads people's details through the API.
    assert PRIVATE_NAME.encode() not in got.body and b"zelda@" not in got.body
    assert delivery.status == WebhookDelivery.Status.DELIVERED and delivery.attempts == 1
    assert attempts == [(200, "receiver says 200")]


def test_nothing_is_sent_for_a_write_that_rolls_back(
    tenant_a, receiver, open_network, django_capture_on_commit_callbacks
):
    with tenant_context(tenant_a):
        Webhook.objects.create(url=receiver.url, events=["order.paid"])
        with django_capture_on_commit_callbacks(execute=True):
            try:
                with transaction.atomic():
                    _paid_order()
                    raise RuntimeError("failed after payment, before commit")
            except RuntimeError:
                pass
        assert not WebhookDelivery.objects.exists()
    assert receiver.received == []


def test_a_failing_receiver_is_retried_with_backoff_then_given_up_every_answer_logged(
    tenant_a, receiver, open_network, settings
):
    settings.WEBHOOK_RETRY_SECONDS = [30, 120]
    receiver.answers = [500, 503, 500]
    with tenant_context(tenant_a):
        hook = Webhook.objects.create(url=receiver.url, events=["schedule.released"])
        delivery = webhook_ping(webhook=hook)
        start = timezone.now()

        first = webhook_attempt(delivery_id=delivery.pk, now=start)
        too_early = webhook_attempt(delivery_id=delivery.pk, now=start + dt.timedelta(seconds=20))
        second = webhook_attempt(delivery_id=delivery.pk, now=start + dt.timedelta(seconds=31))
        third = webhook_attempt(delivery_id=delivery.pk, now=start + dt.timedelta(seconds=160))
        after = webhook_attempt(delivery_id=delivery.pk, now=start + dt.timedelta(days=1))
        delivery.refresh_from_db()
        log = list(delivery.attempt_log.values_list("status_code", "response"))

    assert (first.retry_in, too_early.sent, second.retry_in) == (30, False, 120)
    assert third.status == WebhookDelivery.Status.FAILED and third.retry_in is None
    assert not after.sent
    assert delivery.status == WebhookDelivery.Status.FAILED and delivery.attempts == 3
    assert log == [(code, f"receiver says {code}") for code in (500, 503, 500)]
    assert len(receiver.received) == 3


def test_production_never_calls_http_or_a_private_address(tenant_a, receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORK = False
    port = receiver.url.split(":")[2].split("/")[0]
    with tenant_context(tenant_a):
        plain = Webhook.objects.create(url=receiver.url, events=["order.paid"])
        inside = Webhook.objects.create(url=f"https://127.0.0.1:{port}/", events=["order.paid"])
        for hook in (plain, inside):
            webhook_attempt(delivery_id=webhook_ping(webhook=hook).pk)
        errors = list(WebhookAttempt.objects.order_by("pk").values_list("error", flat=True))

    assert "Only https://" in errors[0]
    assert "private address (127.0.0.1)" in errors[1]
    assert receiver.received == []
    with pytest.raises(ValidationError, match="https://"):
        webhook_url_clean(receiver.url)


def test_the_admin_adds_a_webhook_sends_it_a_test_event_and_shows_the_log(
    tenant_a, tenant_b, receiver, open_network, django_capture_on_commit_callbacks
):
    developer = UserFactory()
    MembershipFactory(user=developer, tenant=tenant_a, is_developer=True)
    client = _logged_in("alpha", developer)
    bad = client.post(
        "/admin/api/webhook/add/",
        {"url": receiver.url, "events": ["order.sold"], "is_active": "on"},
    )
    added = client.post(
        "/admin/api/webhook/add/",
        {"url": receiver.url, "events": ["order.paid", "checkin.redeemed"], "is_active": "on"},
    )
    with tenant_context(tenant_a):
        hook = Webhook.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/api/webhook/",
            {"action": "send_ping", "_selected_action": [hook.pk]},
        )
    page = client.get(f"/admin/api/webhook/{hook.pk}/change/")
    at_beta = _logged_in("beta", developer).get(f"/admin/api/webhook/{hook.pk}/change/")

    assert bad.status_code == 200 and "order.sold" in bad.content.decode()
    assert added.status_code == 302 and hook.events == ["checkin.redeemed", "order.paid"]
    assert json.loads(receiver.received[0].body)["type"] == "ping"
    assert "Delivered" in page.content.decode() and hook.secret in page.content.decode()
    assert at_beta.status_code in (302, 403, 404)


@pytest.mark.worker
def test_a_real_worker_sends_after_commit_and_retries_a_failure(
    committed, redis_url, receiver, tmp_path
):
    queue = f"test-{uuid.uuid4().hex}"
    worker = start_celery_worker(
        tmp_path / "worker.log",
        redis_url=redis_url,
        queue=queue,
        WEBHOOK_RETRY_SECONDS="1",
        WEBHOOK_ALLOW_PRIVATE_NETWORK="true",
    )
    alpha = Tenant.objects.get(schema_name="alpha")
    receiver.answers = [500]
    celery_app.conf.task_always_eager = False
    try:
        with tenant_context(alpha):
            hook = Webhook.objects.create(url=receiver.url, events=["order.paid"])
            delivery = WebhookDelivery.objects.create(
                webhook=hook, kind="ping", payload={"ping": True}, next_attempt_at=timezone.now()
            )
            from api.tasks import deliver_webhook

            deliver_webhook.apply_async(
                (delivery.pk,), queue=queue, connection=_broker(redis_url), countdown=0
            )

            def delivered() -> bool:
                delivery.refresh_from_db()
                return delivery.status == WebhookDelivery.Status.DELIVERED

            wait_for(delivered, timeout=30, what="the retried delivery")
            log = list(delivery.attempt_log.values_list("status_code", flat=True))
    finally:
        celery_app.conf.task_always_eager = True
        stop(worker)
        with tenant_context(alpha):
            Webhook.objects.all().delete()

    assert log == [500, 200] and len(receiver.received) == 2


def _logged_in(host: str, user) -> Client:
    client = Client(HTTP_HOST=TENANT_HOSTS[host])
    client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    return client


def _broker(redis_url: str):
    return celery_app.connection_for_write(redis_url)


def test_refunds_check_ins_and_releases_are_told_each_once(
    tenant_a, convention, receiver, open_network, django_capture_on_commit_callbacks
):
    token, app = token_for(tenant_a)
    with tenant_context(tenant_a):
        Device.objects.create(name="Door API", application_id=app.pk)
        Webhook.objects.create(url=receiver.url, events=list(INTEGRATION_EVENTS))
    client = api_client("alpha", token)
    scan = {"secret": convention.registration.checkin_token, "nonce": "hook-scan"}

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/api/v1/checkin/redeem/", scan, content_type="application/json")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/v1/orders/{convention.order.pk}/refund/", "{}", "application/json")
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        Event.objects.filter(pk=convention.event.pk).update(is_active=False)
        make_programme(name="Hooked Con")

    told = [json.loads(r.body) for r in receiver.received]
    kinds = [payload["type"] for payload in told]
    assert kinds == [
        "checkin.redeemed",
        "order.refunded",
        "registration.cancelled",
        "schedule.released",
    ]
    assert told[0]["data"]["checkin"]["registration_id"] == convention.registration.pk
    assert told[2]["data"]["registration"] == {
        "id": convention.registration.pk,
        "order_id": convention.order.pk,
        "level_id": convention.level.pk,
        "badge_number": convention.registration.badge_number,
        "because": "refunded",
    }
    assert told[3]["data"]["release"]["version"] == 1
