"""A badge handed over to someone else: the old holder's code — the plain one *My registrations*
showed and a signed one — is answered "handed over" at the door, never "unknown"."""

from __future__ import annotations

import re

from django.core import mail

from kiosk.models import CheckIn
from kiosk.services import signed_secret
from register.models import Registration, Transfer
from register.services import (
    PersonInput,
    registration_settings_update,
    transfer_accept,
    transfer_offer,
)
from tests.factories.tenant import UserFactory
from tests.kiosk.conftest import paid_badges


def _hand_over(badge: Registration, capture) -> Registration:
    registration_settings_update(event=badge.event, transfers_allowed=True)
    with capture(execute=True):
        transfer_offer(registration_id=badge.pk, by=badge.order.account, email="new@example.org")
    token = re.search(r"/register/transfer/([\w-]+)/", mail.outbox[-1].body)[1]
    return transfer_accept(
        token=token,
        account=UserFactory(),
        person=PersonInput(
            legal_name="New Holder",
            badge_name="Newbie",
            birthdate=badge.birthdate,
            email="new@example.org",
            phone="+1 555 0100",
            emergency_contact="Kim 555",
        ),
    )


def _scan(client, secret: str, nonce: str) -> str:
    """The desk's answer: "ok" or the refusal's reason."""
    answer = client.post(
        "/kiosk/scan/", {"secret": secret, "nonce": nonce, "kind": "entry", "desk": "A"}
    )
    status, reason = re.search(r'data-result="(\w+)" data-reason="(\w*)"', answer.text).groups()
    return reason or status


def test_the_old_holders_codes_are_handed_over_and_the_new_one_checks_in(
    door, operator_client, django_capture_on_commit_callbacks
):
    event, level = door
    (badge,) = paid_badges(event, level)
    old_plain, old_signed = badge.checkin_token, signed_secret(registration=badge)
    handed_over = _hand_over(badge, django_capture_on_commit_callbacks)
    desk = operator_client()

    answers = [
        _scan(desk, old_plain, "n1"),
        _scan(desk, old_signed, "n2"),
        _scan(desk, "never-a-badge", "n3"),
        _scan(desk, handed_over.checkin_token, "n4"),
    ]

    assert answers == ["revoked", "revoked", "invalid", "ok"]
    assert list(CheckIn.objects.values_list("registration_id", flat=True)) == [badge.pk]
    # Only a hash of the retired code is kept.
    assert not Transfer.objects.filter(retired_token_hash=old_plain).exists()
    assert Transfer.objects.get().retired_token_hash != ""


def test_the_devices_api_says_revoked_for_the_old_plain_code(
    door, device_client, django_capture_on_commit_callbacks
):
    event, level = door
    (badge,) = paid_badges(event, level)
    old_plain = badge.checkin_token
    _hand_over(badge, django_capture_on_commit_callbacks)

    answer = device_client().post(
        "/kiosk/api/redeem/",
        {"secret": old_plain, "nonce": "api-1", "type": "entry"},
        content_type="application/json",
    )

    assert answer.json()["status"] == "error" and answer.json()["reason"] == "revoked"
