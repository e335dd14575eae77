"""The redeem service: one answer per scan, from a fixed list of reasons; nonces make retries
safe; undo within the window."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from kiosk.models import CheckIn
from kiosk.services import checkin_redeem, checkin_undo, signed_secret
from register.models import Order
from tests.kiosk.conftest import make_event, order_status, paid_badges


def test_a_paid_badge_checks_in_once_with_its_essentials(door):
    event, level = door
    (badge,) = paid_badges(event, level, legal_name="Robin Fox", badge_name="Robin")

    first = checkin_redeem(event=event, secret=badge.checkin_token, nonce="n1", desk="Desk 1")
    second = checkin_redeem(event=event, secret=badge.checkin_token, nonce="n2")

    assert (first.status, first.reason) == ("ok", "")
    assert first.essentials is not None
    essentials = first.essentials.as_json()
    assert (essentials["legal_name"], essentials["badge_name"], essentials["level"]) == (
        "Robin Fox",
        "Robin",
        "Attendee",
    )
    assert (essentials["minor"], essentials["age"]) == (False, 41)
    assert (second.status, second.reason, second.previous) == (
        "error",
        "already_redeemed",
        first.checkin.created_at,
    )
    assert CheckIn.objects.filter(registration=badge).count() == 1


def test_the_same_nonce_twice_is_one_checkin(door):
    event, level = door
    (badge,) = paid_badges(event, level)

    first = checkin_redeem(event=event, secret=badge.checkin_token, nonce="retry-me")
    again = checkin_redeem(event=event, secret=badge.checkin_token, nonce="retry-me")

    assert (again.status, again.duplicate, again.checkin) == ("ok", True, first.checkin)
    assert CheckIn.objects.filter(registration=badge).count() == 1


def test_a_nonce_used_for_another_badge_is_refused(door):
    event, level = door
    one, other = paid_badges(event, level, count=2)
    checkin_redeem(event=event, secret=one.checkin_token, nonce="shared")

    answer = checkin_redeem(event=event, secret=other.checkin_token, nonce="shared")

    assert (answer.status, answer.reason) == ("error", "nonce_reused")
    assert CheckIn.objects.filter(registration=other).count() == 0


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (Order.Status.PENDING, "unpaid"),
        (Order.Status.HELD, "blocked"),
        (Order.Status.CANCELLED, "canceled"),
        (Order.Status.REFUNDED, "canceled"),
        (Order.Status.EXPIRED, "canceled"),
    ],
)
def test_a_badge_whose_order_is_not_paid_is_refused_with_its_reason(door, status, reason):
    event, level = door
    (badge,) = paid_badges(event, level)
    order_status(badge, status)

    answer = checkin_redeem(event=event, secret=badge.checkin_token, nonce="n")

    assert (answer.status, answer.reason) == ("error", reason)
    assert answer.essentials is not None
    assert answer.essentials.held_for_review == (status == Order.Status.HELD)
    assert CheckIn.objects.count() == 0


def test_unknown_and_empty_codes_are_invalid(door):
    event, _level = door

    answers = [
        checkin_redeem(event=event, secret=secret, nonce=f"n{i}")
        for i, secret in enumerate(["", "nope", "MS1.abc.def", "x" * 1000])
    ]

    assert [(a.status, a.reason, a.essentials) for a in answers] == [("error", "invalid", None)] * 4


def test_a_badge_of_another_event_of_the_convention_is_refused(door):
    event, level = door
    other_event, other_level = make_event(is_active=False)
    (badge,) = paid_badges(other_event, other_level)

    answer = checkin_redeem(event=event, secret=badge.checkin_token, nonce="n")

    assert (answer.status, answer.reason) == ("error", "wrong_event")


def test_a_minor_is_flagged_with_the_guardian_consent(door):
    event, level = door
    (badge,) = paid_badges(
        event,
        level,
        birthdate=dt.date(2016, 1, 1),
        guardian_name="Pat Fox",
        guardian_contact="+1 215 555 0199",
        guardian_consent=True,
    )

    answer = checkin_redeem(event=event, secret=badge.checkin_token, nonce="n")

    assert answer.essentials is not None
    assert (answer.essentials.is_minor, answer.essentials.age) == (True, 15)
    assert (answer.essentials.guardian_name, answer.essentials.guardian_consent) == (
        "Pat Fox",
        True,
    )


def test_exit_then_entry_again(door):
    event, level = door
    (badge,) = paid_badges(event, level)

    answers = [
        checkin_redeem(event=event, secret=badge.checkin_token, nonce="a", kind="exit"),
        checkin_redeem(event=event, secret=badge.checkin_token, nonce="b"),
        checkin_redeem(event=event, secret=badge.checkin_token, nonce="c", kind="exit"),
        checkin_redeem(event=event, secret=badge.checkin_token, nonce="d"),
    ]

    assert [(a.status, a.reason) for a in answers] == [
        ("error", "not_checked_in"),
        ("ok", ""),
        ("ok", ""),
        ("ok", ""),
    ]


def test_malformed_requests_raise_validation_errors(door):
    event, level = door
    (badge,) = paid_badges(event, level)

    with pytest.raises(ValidationError, match="nonce"):
        checkin_redeem(event=event, secret=badge.checkin_token, nonce="")
    with pytest.raises(ValidationError, match="entry or exit"):
        checkin_redeem(event=event, secret=badge.checkin_token, nonce="n", kind="sideways")


def test_undo_within_the_window_lets_the_badge_check_in_again(door):
    event, level = door
    (badge,) = paid_badges(event, level)
    first = checkin_redeem(event=event, secret=badge.checkin_token, nonce="a")

    checkin_undo(checkin_id=first.checkin.pk, operator_id=None)
    again = checkin_redeem(event=event, secret=badge.checkin_token, nonce="b")

    assert (again.status, again.reason) == ("ok", "")
    with pytest.raises(ValidationError, match="already undone"):
        checkin_undo(checkin_id=first.checkin.pk, operator_id=None)


def test_undo_after_the_window_is_refused(door):
    event, level = door
    (badge,) = paid_badges(event, level)
    first = checkin_redeem(event=event, secret=badge.checkin_token, nonce="a")

    with time_machine.travel(first.checkin.created_at + dt.timedelta(minutes=3)):
        with pytest.raises(ValidationError, match="Too late"):
            checkin_undo(checkin_id=first.checkin.pk, operator_id=None)

    assert CheckIn.objects.get().undone_at is None


def test_a_signed_code_checks_in_and_an_old_one_is_revoked_after_a_handover(door):
    event, level = door
    (badge,) = paid_badges(event, level)
    old_code = signed_secret(registration=badge)
    badge.checkin_token = "a-new-token-after-a-transfer"
    badge.save(update_fields=["checkin_token"])
    new_code = signed_secret(registration=badge)

    old = checkin_redeem(event=event, secret=old_code, nonce="a")
    new = checkin_redeem(event=event, secret=new_code, nonce="b")

    assert (old.status, old.reason) == ("error", "revoked")
    assert (new.status, new.reason) == ("ok", "")


def test_a_tampered_signed_code_is_invalid(door):
    event, level = door
    one, other = paid_badges(event, level, count=2)
    code = signed_secret(registration=one)
    prefix, payload, signature = code.split(".")
    forged_payload = signed_secret(registration=other).split(".")[1]

    answer = checkin_redeem(event=event, secret=f"{prefix}.{forged_payload}.{signature}", nonce="n")

    assert (answer.status, answer.reason) == ("error", "invalid")
