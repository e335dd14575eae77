"""An offline device: it downloads the public key and the revocation list, then has no network
(it simply does not call the server), validates signed badge codes itself, and uploads its
check-ins when back. The server records each once and reports conflicts."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.test import Client
from django_tenants.utils import tenant_context

from kiosk.models import CheckIn
from kiosk.services import signed_secret
from register.models import Order, Registration
from tests.kiosk.conftest import make_event, order_status, paid_badges

BADGES = 50


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class OfflineDevice:
    """What a scanning app does with no network: verify the signature with the downloaded
    key, refuse revoked badges, remember each badge it let in."""

    def __init__(self, offline_data: dict) -> None:
        self.key = Ed25519PublicKey.from_public_bytes(_unb64(offline_data["public_key"]))
        self.event = offline_data["event"]
        self.revoked = set(offline_data["revoked"])
        self.versions = offline_data["versions"]
        self.inside: set[int] = set()
        self.scans: list[dict] = []

    def scan(self, secret: str, at: dt.datetime) -> str:
        _prefix, payload_text, signature_text = secret.split(".")
        payload = _unb64(payload_text)
        try:
            self.key.verify(_unb64(signature_text), payload)
        except InvalidSignature:
            return "invalid"
        event_id, registration_id, version = payload.decode().split(":")
        registration = int(registration_id)
        if int(event_id) != self.event:
            return "invalid"
        if registration in self.revoked or self.versions.get(registration_id, version) != version:
            return "revoked"
        if registration in self.inside:
            return "already_redeemed"
        self.inside.add(registration)
        self.scans.append(
            {
                "secret": secret,
                "nonce": uuid.uuid4().hex,
                "type": "entry",
                "datetime": at.isoformat(),
            }
        )
        return "ok"

    def upload(self, client: Client) -> dict:
        return client.post(
            "/kiosk/api/sync/", json.dumps({"scans": self.scans}), content_type="application/json"
        ).json()


def _badges(event, level, count: int) -> list[Registration]:
    badges: list[Registration] = []
    while len(badges) < count:
        badges += paid_badges(event, level, count=min(10, count - len(badges)))
    return badges


def test_an_offline_device_checks_in_50_badges_and_syncs_once_with_a_revoked_one_as_conflict(
    door, device_client
):
    event, level = door
    *badges, revoked_meanwhile = _badges(event, level, BADGES + 1)
    (cancelled_before,) = paid_badges(event, level)
    order_status(cancelled_before, Order.Status.CANCELLED)
    codes = [signed_secret(registration=b) for b in [*badges, revoked_meanwhile]]
    cancelled_code = signed_secret(registration=cancelled_before)
    client = device_client()
    device = OfflineDevice(client.get("/kiosk/api/offline/").json())
    start = dt.datetime(2031, 7, 1, 9, tzinfo=dt.UTC)

    # Offline from here: no request until the upload.
    answers = [device.scan(code, start + dt.timedelta(seconds=i)) for i, code in enumerate(codes)]
    refused = [device.scan(cancelled_code, start), device.scan(codes[0], start)]
    # Meanwhile the organizers refund one badge's order.
    order_status(revoked_meanwhile, Order.Status.REFUNDED)
    first = device.upload(client)
    again = device.upload(client)

    assert answers == ["ok"] * (BADGES + 1)
    assert refused == ["revoked", "already_redeemed"]
    assert (first["recorded"], first["duplicates"]) == (BADGES, 0)
    assert [(c["registration"], c["reason"]) for c in first["conflicts"]] == [
        (revoked_meanwhile.pk, "canceled")
    ]
    assert (again["recorded"], again["duplicates"], len(again["conflicts"])) == (0, BADGES, 1)
    assert CheckIn.objects.filter(source="offline").count() == BADGES
    assert set(CheckIn.objects.values_list("registration_id", flat=True)) == {b.pk for b in badges}


def test_a_code_from_before_a_handover_is_revoked_offline_and_at_the_sync(door, device_client):
    event, level = door
    (badge,) = paid_badges(event, level)
    old_code = signed_secret(registration=badge)
    client = device_client()
    early = OfflineDevice(client.get("/kiosk/api/offline/").json())
    early.scan(old_code, dt.datetime(2031, 7, 1, 9, tzinfo=dt.UTC))
    # The badge is handed over (register gives it a new token) while the device is offline.
    Registration.objects.filter(pk=badge.pk).update(checkin_token="new-holder-token")
    late = OfflineDevice(client.get("/kiosk/api/offline/").json())

    report = early.upload(client)

    assert late.scan(old_code, dt.datetime(2031, 7, 1, 10, tzinfo=dt.UTC)) == "revoked"
    assert [c["reason"] for c in report["conflicts"]] == ["revoked"]
    assert CheckIn.objects.count() == 0


def test_one_badge_on_two_offline_devices_is_one_checkin_and_one_conflict(door, device_client):
    event, level = door
    (badge,) = paid_badges(event, level)
    code = signed_secret(registration=badge)
    one, two = device_client(), device_client()
    first_device = OfflineDevice(one.get("/kiosk/api/offline/").json())
    second_device = OfflineDevice(two.get("/kiosk/api/offline/").json())
    first_device.scan(code, dt.datetime(2031, 7, 1, 9, tzinfo=dt.UTC))
    second_device.scan(code, dt.datetime(2031, 7, 1, 9, 5, tzinfo=dt.UTC))

    first, second = first_device.upload(one), second_device.upload(two)

    assert (first["recorded"], first["conflicts"]) == (1, [])
    assert [(c["registration"], c["reason"]) for c in second["conflicts"]] == [
        (badge.pk, "already_redeemed")
    ]
    assert CheckIn.objects.get().device == one.device


def test_another_conventions_signed_code_is_invalid_here(door, device_client, tenant_b):
    with tenant_context(tenant_b):
        beta_event, beta_level = make_event()
        (beta_badge,) = paid_badges(beta_event, beta_level)
        beta_code = signed_secret(registration=beta_badge)
    client = device_client()
    device = OfflineDevice(client.get("/kiosk/api/offline/").json())

    offline = device.scan(beta_code, dt.datetime(2031, 7, 1, 9, tzinfo=dt.UTC))
    online = client.post(
        "/kiosk/api/redeem/",
        json.dumps({"secret": beta_code, "nonce": "n"}),
        content_type="application/json",
    )

    assert offline == "invalid"
    assert (online.status_code, online.json()["reason"]) == (404, "invalid")


def test_bad_uploads_answer_400_with_the_scan_at_fault(door, device_client):
    client = device_client()

    def upload(body: object) -> object:
        return client.post("/kiosk/api/sync/", json.dumps(body), content_type="application/json")

    answers = [
        upload([]),
        upload({"scans": "no"}),
        upload({"scans": [{"secret": "x", "nonce": "n"}]}),
        upload({"scans": [{"secret": "x", "nonce": "n", "datetime": "2031-07-01T09:00Z"}, 3]}),
    ]

    assert [a.status_code for a in answers] == [400] * 4
    assert answers[2].json()["message"] == "scans[0]: datetime is required"
    assert answers[3].json()["message"] == "scans[1]: not an object"
