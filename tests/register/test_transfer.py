"""Badge transfer: by email, accepted from a single-use link with the recipient's own details;
age rules and the ban list apply again; the old check-in code dies at that moment."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from event.services import event_generate_properties
from register.models import BadgeLevel, BanEntry, Registration
from register.selectors import registration_by_checkin_token
from register.services import (
    ban_entry_save,
    order_mark_paid,
    order_place,
    registration_settings_update,
)
from tests.factories.event import EventFactory
from tests.factories.register import BadgeLevelFactory, attendee
from tests.factories.tenant import UserFactory

RECIPIENT = {
    "legal_name": "Sam Otter",
    "badge_name": "Otter",
    "birthdate": "1992-03-04",
    "email": "sam@example.org",
    "phone": "+1 555 0199",
    "emergency_contact": "Kim +1 555 0198",
}


@pytest.fixture
def transferable_badge(tenant_a):
    with tenant_context(tenant_a):
        event = EventFactory(is_active=True, start_date=dt.date(2031, 7, 1))
        event_generate_properties(event=event)
        registration_settings_update(event=event, transfers_allowed=True)
        level = BadgeLevelFactory(
            event=event, price=Decimal("60.00"), age_rule=BadgeLevel.AgeRule.ADULTS_ONLY
        )
        buyer = UserFactory()
        order = order_place(
            event=event, account=buyer, provider="simulated", attendees=[attendee(level)]
        )
        order_mark_paid(order_id=order.pk, amount=order.total)
        yield order.registrations.get(), buyer


@pytest.fixture
def offered(transferable_badge, django_capture_on_commit_callbacks, logged_in):
    registration, buyer = transferable_badge
    seller = logged_in(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        response = seller.post(
            f"/register/mine/{registration.pk}/transfer/", {"email": "Sam@Example.org"}
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    link = re.search(
        r"https?://alpha\.localhost(?::\d+)?(/[\w-]+/register/transfer/[\w-]+/)", message.body
    )[1]
    return registration, buyer, seller, link, message


def test_transfer_offer_mails_an_unguessable_link_to_the_recipient(offered):
    registration, _, _, link, message = offered

    assert message.to == ["sam@example.org"]
    assert len(link.split("/")[-2]) >= 40
    assert registration.transfers.get().token_hash not in link


def test_accepting_moves_the_badge_and_kills_the_old_check_in_code(offered, tenant_a, logged_in):
    registration, buyer, seller, link, _ = offered
    old_token = registration.checkin_token
    recipient = UserFactory()
    client = logged_in(recipient)

    form = client.get(link)
    accepted = client.post(link, RECIPIENT)
    again = client.post(link, RECIPIENT)
    recipient_mine = client.get("/register/mine/")
    seller_mine = seller.get("/register/mine/")

    with tenant_context(tenant_a):
        registration.refresh_from_db()
        assert registration_by_checkin_token(token=old_token) is None
        assert registration_by_checkin_token(token=registration.checkin_token) == registration
        history = registration.history.latest("history_id")
    assert form.status_code == 200 and b"sam@example.org" in form.content
    assert accepted.status_code == 302
    assert again.status_code == 404  # single use
    assert (registration.legal_name, registration.holder_id) == ("Sam Otter", recipient.pk)
    assert registration.checkin_token != old_token
    assert b"Otter" in recipient_mine.content and b"<svg" in recipient_mine.content
    assert b"Otter" not in seller_mine.content
    assert (history.history_user_id, history.history_change_reason) == (
        recipient.pk,
        f"transfer to {recipient.email}",
    )


def test_age_rule_applies_again_to_the_recipient(offered, tenant_a, logged_in):
    registration, _, _, link, _ = offered
    client = logged_in(UserFactory())

    response = client.post(link, RECIPIENT | {"birthdate": "2020-01-01"})

    with tenant_context(tenant_a):
        unchanged = Registration.objects.get(pk=registration.pk)
    assert response.status_code == 400
    assert b"is for adults only" in response.content
    assert (unchanged.legal_name, unchanged.checkin_token) == (
        "Robin Fox",
        registration.checkin_token,
    )


def test_ban_list_applies_again_to_the_recipient(offered, tenant_a, logged_in):
    registration, _, _, link, _ = offered
    with tenant_context(tenant_a):
        ban_entry_save(entry=BanEntry(name="Otter Sam", birthdate=dt.date(1992, 3, 4)))
    client = logged_in(UserFactory())

    response = client.post(link, RECIPIENT | {"legal_name": "SAM ÖTTER"})

    with tenant_context(tenant_a):
        unchanged = Registration.objects.get(pk=registration.pk)
    assert response.status_code == 400
    assert b"contact the registration team" in response.content
    assert unchanged.checkin_token == registration.checkin_token


def test_another_tenants_host_cannot_use_the_link(offered, tenant_a, tenant_b, logged_in):
    registration, _, _, link, _ = offered
    client = logged_in(UserFactory(), tenant="beta")

    assert client.get(link).status_code == 404
    assert client.post(link, RECIPIENT).status_code == 404
    with tenant_context(tenant_a):
        assert Registration.objects.get(pk=registration.pk).legal_name == "Robin Fox"


def test_a_guessed_link_is_not_found(offered, logged_in):
    _, _, _, link, _ = offered
    client = logged_in(UserFactory())

    assert client.get(link[:-3] + "xx/").status_code == 404


def test_transfers_closed_by_the_organizer_answer_400(transferable_badge, tenant_a, logged_in):
    registration, buyer = transferable_badge
    with tenant_context(tenant_a):
        registration_settings_update(event=registration.event, transfer_until=dt.date(2020, 1, 1))
    seller = logged_in(buyer)

    response = seller.post(
        f"/register/mine/{registration.pk}/transfer/", {"email": "x@example.org"}
    )

    assert response.status_code == 400
    assert b"cannot be transferred" in response.content
    assert mail.outbox == []


def test_only_the_holder_can_offer_a_badge(transferable_badge, logged_in):
    registration, _ = transferable_badge
    stranger = logged_in(UserFactory())

    response = stranger.post(f"/register/mine/{registration.pk}/transfer/", {"email": "x@e.org"})

    assert response.status_code == 400
    assert b"Only a paid badge you hold" in response.content


def test_the_new_holder_is_mailed_the_badge_with_its_new_code(
    offered, tenant_a, django_capture_on_commit_callbacks, logged_in
):
    registration, _, _, link, _ = offered
    client = logged_in(UserFactory())
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(link, RECIPIENT)

    with tenant_context(tenant_a):
        registration.refresh_from_db()
    (message,) = mail.outbox
    assert message.to == ["sam@example.org"]
    assert message.attachments[0][0] == f"badge-{registration.badge_number}.png"


def test_the_buyer_cannot_cancel_a_badge_someone_else_now_holds(offered, tenant_a, logged_in):
    from django.core.exceptions import ValidationError

    from register.services import order_cancel_by_attendee

    registration, buyer, _, link, _ = offered
    with tenant_context(tenant_a):
        registration_settings_update(
            event=registration.event, self_cancel_until=dt.date(2031, 6, 1)
        )
    logged_in(UserFactory()).post(link, RECIPIENT)

    with tenant_context(tenant_a), pytest.raises(ValidationError, match="belongs to someone"):
        order_cancel_by_attendee(order_id=registration.order_id, account=buyer)
