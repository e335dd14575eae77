"""Group registrations: a leader buys N badges and assigns each to its holder by email; the
holder accepts with their own details (age rules and ban list apply)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from event.services import event_generate_properties
from register.models import BadgeLevel, Order
from register.selectors import registration_by_checkin_token
from tests.factories.event import EventFactory
from tests.factories.register import BadgeLevelFactory
from tests.factories.tenant import UserFactory

APPROVED_CARD = "4242 4242 4242 4242"
HOLDER = {
    "legal_name": "Kim Badger",
    "badge_name": "Badger",
    "birthdate": "1995-08-09",
    "email": "kim@example.org",
    "phone": "+1 555 0150",
    "emergency_contact": "Lee +1 555 0151",
}


@pytest.fixture
def level(tenant_a, settings):
    settings.DEBUG = True
    with tenant_context(tenant_a):
        event = EventFactory(is_active=True, start_date=dt.date(2031, 7, 1))
        event_generate_properties(event=event)
        return BadgeLevelFactory(
            event=event,
            name="Attendee",
            price=Decimal("60.00"),
            age_rule=BadgeLevel.AgeRule.ADULTS_ONLY,
        )


def _group_form(level, quantity) -> dict:
    leader = {
        "level": level.pk,
        "legal_name": "Robin Fox",
        "badge_name": "Robin",
        "birthdate": "1990-05-17",
        "email": "robin@example.org",
        "phone": "+1 555 0100",
        "emergency_contact": "Sam +1 555 0101",
    }
    return {f"leader-{k}": v for k, v in leader.items()} | {
        "quantity": quantity,
        "provider": "simulated",
    }


@pytest.fixture
def group(level, tenant_a, django_capture_on_commit_callbacks, logged_in):
    leader = UserFactory()
    client = logged_in(leader)
    placed = client.post("/register/group/", _group_form(level, 3))
    client.post(placed["Location"], {"card_number": APPROVED_CARD})
    with tenant_context(tenant_a):
        order = Order.objects.get(account_id=leader.pk)
        registrations = list(order.registrations.order_by("pk"))
    mail.outbox.clear()
    return client, order, registrations


def test_leader_buys_n_badges_waiting_for_holders(group, tenant_a):
    client, order, registrations = group

    mine = client.get("/register/mine/")
    with tenant_context(tenant_a):
        placeholder_checks_in = registration_by_checkin_token(token=registrations[0].checkin_token)

    assert (order.status, order.total, len(registrations)) == ("paid", Decimal("180.00"), 3)
    assert all(r.needs_holder for r in registrations)
    assert placeholder_checks_in is None
    assert b"<svg" not in mine.content  # no check-in code until a holder takes the badge
    assert mine.content.count(b"Assign this group badge") == 3


def test_group_of_one_answers_400(level, logged_in):
    client = logged_in(UserFactory())

    response = client.post("/register/group/", _group_form(level, 1))

    assert response.status_code == 400
    assert b"2 to 20 badges" in response.content


def test_assigned_holder_accepts_with_own_details(
    group, tenant_a, django_capture_on_commit_callbacks, logged_in
):
    client, order, registrations = group
    with django_capture_on_commit_callbacks(execute=True):
        offered = client.post(
            f"/register/mine/{registrations[1].pk}/transfer/", {"email": "kim@example.org"}
        )  # transfers are not open in the settings: group assignment works anyway
    (message,) = mail.outbox
    link = re.search(
        r"https?://alpha\.localhost(?::\d+)?(/[\w-]+/register/transfer/[\w-]+/)", message.body
    )[1]
    holder = UserFactory()
    holder_client = logged_in(holder)

    minor = holder_client.post(link, HOLDER | {"birthdate": "2020-01-01"})
    accepted = holder_client.post(link, HOLDER)
    holder_mine = holder_client.get("/register/mine/")
    leader_mine = client.get("/register/mine/")

    with tenant_context(tenant_a):
        registrations[1].refresh_from_db()
    assert offered.status_code == 302
    assert minor.status_code == 400 and b"adults only" in minor.content
    assert accepted.status_code == 302
    assert (registrations[1].legal_name, registrations[1].holder_id) == ("Kim Badger", holder.pk)
    assert registrations[1].needs_holder is False
    assert b"Badger" in holder_mine.content and b"<svg" in holder_mine.content
    assert leader_mine.content.count(b"Assign this group badge") == 2
