"""The desk in German: the verdicts, refusals and the essentials card."""

from __future__ import annotations

from register.models import Order
from tests.clients import PersonClient
from tests.conftest import TENANT_HOSTS
from tests.kiosk.conftest import order_status, paid_badges


def test_the_desk_speaks_german(door, operator_client):
    event, level = door
    (badge,) = paid_badges(event, level)
    (unpaid,) = paid_badges(event, level)
    order_status(unpaid, Order.Status.PENDING)
    desk = operator_client()
    german = PersonClient(HTTP_HOST=TENANT_HOSTS["alpha"], HTTP_ACCEPT_LANGUAGE="de")
    german.cookies = desk.cookies

    page = german.get("/kiosk/").text
    first = german.post("/kiosk/scan/", {"secret": badge.checkin_token, "nonce": "a"}).text
    again = german.post("/kiosk/scan/", {"secret": badge.checkin_token, "nonce": "b"}).text
    refused = german.post("/kiosk/scan/", {"secret": unpaid.checkin_token, "nonce": "c"}).text

    assert "Einlassschalter" in page and "Mit der Kamera scannen" in page
    assert "Eingelassen." in first and "Amtlicher Name" in first
    assert "Bereits eingelassen." in again
    assert "Noch nicht bezahlt" in refused
