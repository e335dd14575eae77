"""The check-in desk's pages: who may use them, scan, search, each refusal's own message, undo,
and a second convention that sees none of it."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from kiosk.models import CheckIn
from register.models import Order
from tenant.roles import Role
from tests.clients import PersonClient
from tests.conftest import TENANT_HOSTS
from tests.kiosk.conftest import make_event, order_status, paid_badges


def _scan(client: Client, secret: str, nonce: str = "form-1", **extra) -> object:
    return client.post(
        "/kiosk/scan/", {"secret": secret, "nonce": nonce, "kind": "entry", "desk": "A"} | extra
    )


def test_only_kiosk_operators_reach_the_desk(door, operator_client):
    anonymous = PersonClient(HTTP_HOST=TENANT_HOSTS["alpha"])

    answers = [
        anonymous.get("/kiosk/").status_code,
        operator_client(roles=[Role.SCHEDULE_LEAD]).get("/kiosk/").status_code,
        operator_client().get("/kiosk/").status_code,
        operator_client(roles=[Role.ORG_ADMIN]).get("/kiosk/").status_code,
    ]

    assert answers == [302, 403, 200, 200]


def test_a_scan_checks_in_and_shows_the_essentials_then_already_checked_in(door, operator_client):
    event, level = door
    (badge,) = paid_badges(event, level, legal_name="Robin Fox", badge_name="Robin")
    desk = operator_client()

    first = _scan(desk, badge.checkin_token, nonce="f1")
    resent = _scan(desk, badge.checkin_token, nonce="f1")
    second = _scan(desk, badge.checkin_token, nonce="f2")

    assert first.status_code == 200
    assert 'data-result="ok"' in first.text
    assert "Checked in." in first.text and "Robin Fox" in first.text
    assert "Undo this check-in" in first.text
    assert 'data-result="ok"' in resent.text and "Undo this check-in" not in resent.text
    assert 'data-reason="already_redeemed"' in second.text
    assert "Already checked in." in second.text
    assert CheckIn.objects.get().operator_id == desk.user.pk


@pytest.mark.parametrize(
    ("status", "reason", "message"),
    [
        (Order.Status.PENDING, "unpaid", "Not paid yet"),
        (Order.Status.HELD, "blocked", "Held for review"),
        (Order.Status.CANCELLED, "canceled", "cancelled or refunded"),
    ],
)
def test_each_refusal_has_its_own_message(door, operator_client, status, reason, message):
    event, level = door
    (badge,) = paid_badges(event, level)
    order_status(badge, status)

    answer = _scan(operator_client(), badge.checkin_token)

    assert answer.status_code == 200
    assert f'data-reason="{reason}"' in answer.text and message in answer.text
    assert CheckIn.objects.count() == 0


def test_an_unknown_code_is_refused_and_a_missing_one_is_a_form_error(door, operator_client):
    desk = operator_client()

    unknown = _scan(desk, "not-a-badge")
    empty = _scan(desk, "")

    assert 'data-reason="invalid"' in unknown.text and "Unknown code" in unknown.text
    assert empty.status_code == 400 and "This field is required." in empty.text


def test_search_finds_by_name_number_order_and_email_and_checks_in(door, operator_client):
    event, level = door
    (badge,) = paid_badges(event, level, legal_name="Quinn Otter", email="quinn@example.org")
    paid_badges(event, level, legal_name="Someone Else")
    desk = operator_client()

    queries = ["otter", str(badge.badge_number), badge.order.reference, "QUINN@example.org"]
    pages = [desk.get("/kiosk/", {"q": q}).text for q in queries]
    checked = desk.post(
        "/kiosk/scan/",
        {"secret": badge.checkin_token, "nonce": "s-1", "kind": "entry", "desk": ""},
    )

    assert ["Quinn Otter" in page and "Someone Else" not in page for page in pages] == [True] * 4
    assert 'data-result="ok"' in checked.text
    assert "Already checked in." in desk.get("/kiosk/", {"q": "otter"}).text


def test_undo_within_the_window(door, operator_client):
    event, level = door
    (badge,) = paid_badges(event, level)
    desk = operator_client()
    _scan(desk, badge.checkin_token, nonce="u1")
    checkin = CheckIn.objects.get()

    undone = desk.post("/kiosk/undo/", {"checkin": checkin.pk}, follow=True)
    again = desk.post("/kiosk/undo/", {"checkin": checkin.pk})
    nonsense = desk.post("/kiosk/undo/", {"checkin": "x"})

    assert "Check-in undone." in undone.text
    assert again.status_code == 400 and "already undone" in again.text
    assert nonsense.status_code == 400
    assert 'data-result="ok"' in _scan(desk, badge.checkin_token, nonce="u2").text


def test_search_lists_with_a_fixed_number_of_queries(
    door, operator_client, django_assert_max_num_queries, warm_routes
):
    event, level = door
    desk = operator_client()
    warm_routes(desk)
    paid_badges(event, level, legal_name="Many Otter")

    with django_assert_max_num_queries(20) as one:
        desk.get("/kiosk/", {"q": "otter"})
    paid_badges(event, level, count=3, legal_name="Many Otter")
    with django_assert_max_num_queries(20) as four:
        desk.get("/kiosk/", {"q": "otter"})

    assert len(four.captured_queries) == len(one.captured_queries)


def test_a_desk_of_alpha_is_useless_at_beta(door, operator_client, tenant_b, settings):
    event, level = door
    (alpha_badge,) = paid_badges(event, level, legal_name="Alpha Person")
    with tenant_context(tenant_b):
        beta_event, beta_level = make_event()
        (beta_badge,) = paid_badges(beta_event, beta_level, legal_name="Beta Person")
    alpha_desk = operator_client()
    beta_token_at_alpha = _scan(alpha_desk, beta_badge.checkin_token)
    found_at_alpha = alpha_desk.get("/kiosk/", {"q": "person"}).text
    # The same session presented at beta's host (a member of alpha only).
    alpha_desk_at_beta = PersonClient(HTTP_HOST=TENANT_HOSTS["beta"])
    alpha_desk_at_beta.cookies = alpha_desk.cookies

    at_beta = alpha_desk_at_beta.get("/kiosk/", {"q": "person"})
    scan_at_beta = alpha_desk_at_beta.post(
        "/kiosk/scan/", {"secret": beta_badge.checkin_token, "nonce": "x", "kind": "entry"}
    )

    assert at_beta.status_code in (302, 403) and "Beta Person" not in at_beta.text
    assert scan_at_beta.status_code in (302, 403)
    assert 'data-reason="invalid"' in beta_token_at_alpha.text
    assert "Alpha Person" in found_at_alpha and "Beta Person" not in found_at_alpha
    with tenant_context(tenant_b):
        assert CheckIn.objects.count() == 0
