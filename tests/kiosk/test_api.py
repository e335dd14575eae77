"""The devices' redeem API: pretix-shaped answers, nonces, JSON errors, OAuth per convention."""

from __future__ import annotations

import json

from django.test import Client
from django_tenants.utils import tenant_context

from kiosk.models import CheckIn, PrintJob
from kiosk.services import print_job_request
from tests.conftest import TENANT_HOSTS
from tests.kiosk.conftest import make_event, paid_badges


def _redeem(client: Client, body: object) -> object:
    return client.post(
        "/kiosk/api/redeem/",
        json.dumps(body) if not isinstance(body, bytes) else body,
        content_type="application/json",
    )


def test_a_device_redeems_once_and_a_retry_answers_the_same_checkin(door, device_client):
    event, level = door
    (badge,) = paid_badges(event, level, legal_name="Robin Fox")
    device = device_client()
    scan = {"secret": badge.checkin_token, "nonce": "dev-1", "type": "entry"}

    first = _redeem(device, scan | {"datetime": "2031-07-01T09:00:00+00:00"})
    retry = _redeem(device, scan)
    other = _redeem(device, scan | {"nonce": "dev-2"})

    assert first.status_code == 201
    assert first.json()["status"] == "ok"
    assert first.json()["position"]["legal_name"] == "Robin Fox"
    assert (retry.status_code, retry.json()["duplicate"]) == (200, True)
    assert retry.json()["checkin"] == first.json()["checkin"]
    assert (other.status_code, other.json()["reason"]) == (400, "already_redeemed")
    checkin = CheckIn.objects.get()
    assert (checkin.device, checkin.source, checkin.scanned_at.isoformat()) == (
        device.device,
        "device",
        "2031-07-01T09:00:00+00:00",
    )


def test_bad_requests_answer_json_4xx_with_a_message(door, device_client):
    device = device_client()

    answers = [
        _redeem(device, b"{not json"),
        _redeem(device, ["a list"]),
        _redeem(device, {"secret": "x"}),
        _redeem(device, {"secret": "x", "nonce": "n", "type": "sideways"}),
        _redeem(device, {"secret": "x", "nonce": "n", "datetime": "yesterday"}),
        _redeem(device, {"secret": "unknown", "nonce": "n"}),
    ]

    assert [a.status_code for a in answers] == [400, 400, 400, 400, 400, 404]
    assert all(a.json()["status"] == "error" and a.json()["message"] for a in answers)
    assert answers[2].json()["message"] == "nonce: This field is required."
    assert answers[5].json()["reason"] == "invalid"


def test_no_token_a_user_less_stranger_and_a_non_device_client_are_refused(door, device_client):
    event, level = door
    (badge,) = paid_badges(event, level)
    scan = {"secret": badge.checkin_token, "nonce": "n"}

    anonymous = _redeem(Client(HTTP_HOST=TENANT_HOSTS["alpha"]), scan)
    wrong = _redeem(
        Client(HTTP_HOST=TENANT_HOSTS["alpha"], HTTP_AUTHORIZATION="Bearer made-up"), scan
    )
    not_enrolled = _redeem(device_client(enrolled=False), scan)

    assert [a.status_code for a in (anonymous, wrong, not_enrolled)] == [401, 401, 403]
    assert anonymous.json()["reason"] == "unauthorized"
    assert not_enrolled.json()["message"] == "This client is not a check-in device here."
    assert CheckIn.objects.count() == 0


def test_a_device_of_alpha_is_refused_at_beta(door, device_client, tenant_b):
    with tenant_context(tenant_b):
        beta_event, beta_level = make_event()
        (beta_badge,) = paid_badges(beta_event, beta_level)
    alpha_device_at_beta = device_client(tenant="beta")

    answer = _redeem(alpha_device_at_beta, {"secret": beta_badge.checkin_token, "nonce": "n"})
    offline = alpha_device_at_beta.get("/kiosk/api/offline/")

    assert (answer.status_code, offline.status_code) == (401, 401)
    with tenant_context(tenant_b):
        assert CheckIn.objects.count() == 0


def test_a_print_station_polls_takes_prints_and_reports(door, device_client):
    event, level = door
    (badge,) = paid_badges(event, level, badge_name="Printme")
    print_job_request(registration=badge, requested_by_id=None)
    station = device_client()

    taken = station.post("/kiosk/api/print/next/")
    empty = station.post("/kiosk/api/print/next/")
    pdf = station.get(taken.json()["pdf"]["a4x4"])
    done = station.post(
        f"/kiosk/api/print/{taken.json()['job']}/done/",
        json.dumps({"printed": True}),
        content_type="application/json",
    )
    again = station.post(
        f"/kiosk/api/print/{taken.json()['job']}/done/",
        json.dumps({"printed": True}),
        content_type="application/json",
    )
    vague = station.post(
        f"/kiosk/api/print/{taken.json()['job']}/done/", "{}", content_type="application/json"
    )

    assert (taken.status_code, taken.json()["badge_name"]) == (201, "Printme")
    assert empty.status_code == 204
    assert (pdf.status_code, pdf["Content-Type"], pdf.content[:5]) == (
        200,
        "application/pdf",
        b"%PDF-",
    )
    assert (done.status_code, done.json()["state"]) == (200, "printed")
    assert (again.status_code, vague.status_code) == (409, 400)
    assert PrintJob.objects.get().station == "Door 1"
