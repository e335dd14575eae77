"""The self-service kiosk: started by an operator (who is signed out), one order at a time by
e-mail and confirmation code, its badges queued for printing, forgotten after inactivity."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import Client
from django.utils import timezone

from kiosk.models import PrintJob
from register.models import Order
from tests.clients import PersonClient
from tests.conftest import TENANT_HOSTS
from tests.kiosk.conftest import order_status, paid_badges


def _tablet(operator_client) -> Client:
    tablet = operator_client()
    tablet.post("/kiosk/self/start/")
    return tablet


def test_the_kiosk_runs_only_where_an_operator_started_it_and_signs_them_out(door, operator_client):
    stranger = PersonClient(HTTP_HOST=TENANT_HOSTS["alpha"])
    tablet = _tablet(operator_client)

    assert stranger.get("/kiosk/self/").status_code == 403
    assert tablet.get("/kiosk/self/").status_code == 200
    assert tablet.get("/kiosk/").status_code == 302  # the operator is signed out


def test_an_attendee_finds_their_order_and_queues_every_badge(door, operator_client):
    event, level = door
    mine = paid_badges(event, level, count=2, email="me@example.org", legal_name="Me Myself")
    paid_badges(event, level, email="other@example.org", legal_name="Someone Else")
    tablet = _tablet(operator_client)

    found = tablet.post(
        "/kiosk/self/", {"email": "ME@example.org", "reference": mine[0].order.reference.lower()}
    )
    done = tablet.post("/kiosk/self/print/")
    after = tablet.get("/kiosk/self/")

    assert found.status_code == 200 and found.text.count("Me Myself") == 2
    assert "Someone Else" not in found.text
    assert "2 badges are in the print queue" in done.text
    assert sorted(PrintJob.objects.values_list("registration_id", flat=True)) == sorted(
        b.pk for b in mine
    )
    assert "Me Myself" not in after.text


def test_wrong_codes_unpaid_orders_and_guessing_are_refused(door, operator_client):
    event, level = door
    (badge,) = paid_badges(event, level, email="me@example.org")
    (unpaid,) = paid_badges(event, level, email="late@example.org")
    order_status(unpaid, Order.Status.PENDING)
    tablet = _tablet(operator_client)

    wrong_email = tablet.post(
        "/kiosk/self/", {"email": "x@example.org", "reference": badge.order.reference}
    )
    not_paid = tablet.post(
        "/kiosk/self/", {"email": "late@example.org", "reference": unpaid.order.reference}
    )
    for attempt in range(8):
        tablet.post("/kiosk/self/", {"email": "me@example.org", "reference": f"WRONG{attempt}"})
    throttled = tablet.post(
        "/kiosk/self/", {"email": "me@example.org", "reference": badge.order.reference}
    )

    assert (wrong_email.status_code, not_paid.status_code) == (400, 400)
    assert "No paid order matches" in wrong_email.text
    assert throttled.status_code == 429 and "Too many attempts" in throttled.text


def test_the_order_is_forgotten_after_two_idle_minutes(door, operator_client):
    event, level = door
    (badge,) = paid_badges(event, level, email="me@example.org", legal_name="Me Myself")
    tablet = _tablet(operator_client)
    tablet.post("/kiosk/self/", {"email": "me@example.org", "reference": badge.order.reference})

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=3)):
        later = tablet.get("/kiosk/self/")
        printed = tablet.post("/kiosk/self/print/")

    assert "Me Myself" not in later.text and "ended after two minutes" in later.text
    assert printed.status_code == 302
    assert PrintJob.objects.count() == 0
