"""Waiting list: offers go out in the order people joined, reserve the place, expire to the next
person, and their links are personal, unguessable and single-use."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context

from event.services import event_generate_properties
from register.models import Order, WaitlistEntry
from register.services import (
    order_mark_paid,
    order_place,
    order_refund,
    person_anonymize,
    waitlist_join,
    waitlist_process,
)
from tests.factories.event import EventFactory
from tests.factories.register import BadgeLevelFactory, attendee
from tests.factories.tenant import PASSWORD, UserFactory

OFFER_LINK = r"https?://alpha\.localhost(?::\d+)?(/[\w-]+/register/offer/[\w-]+/)"


def _links() -> dict[str, str]:
    return {m.to[0]: re.search(OFFER_LINK, m.body)[1] for m in mail.outbox}


@pytest.fixture
def sold_out(tenant_a):
    with tenant_context(tenant_a):
        event = EventFactory(is_active=True, start_date=dt.date(2031, 7, 1))
        event_generate_properties(event=event)
        level = BadgeLevelFactory(event=event, name="Attendee", price=Decimal("60.00"), capacity=1)
        holder = UserFactory()
        order = order_place(
            event=event, account=holder, provider="simulated", attendees=[attendee(level)]
        )
        order_mark_paid(order_id=order.pk, amount=order.total)
        waiting = [UserFactory(email=f"wait{n}@example.org") for n in range(3)]
        for person in waiting:
            waitlist_join(event=event, level_id=level.pk, account=person)
        yield event, level, order, waiting


def test_freed_place_is_offered_to_the_first_in_line_only(
    sold_out, django_capture_on_commit_callbacks
):
    event, level, order, waiting = sold_out

    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order_id=order.pk, amount=order.total)

    statuses = list(WaitlistEntry.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["offered", "waiting", "waiting"]
    assert list(_links()) == ["wait0@example.org"]


def test_the_offer_reserves_the_place(sold_out, django_capture_on_commit_callbacks):
    event, level, order, waiting = sold_out
    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order_id=order.pk, amount=order.total)

    with pytest.raises(ValidationError, match="sold out"):
        order_place(
            event=event, account=UserFactory(), provider="simulated", attendees=[attendee(level)]
        )


def test_an_unused_offer_expires_and_passes_to_the_next(
    sold_out, django_capture_on_commit_callbacks
):
    event, level, order, waiting = sold_out
    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order_id=order.pk, amount=order.total)
    later = timezone.now() + dt.timedelta(hours=25)

    with django_capture_on_commit_callbacks(execute=True):
        sent = waitlist_process(now=later)

    statuses = list(WaitlistEntry.objects.order_by("pk").values_list("status", flat=True))
    assert sent == 1
    assert statuses == ["expired", "offered", "waiting"]
    assert sorted(_links()) == ["wait0@example.org", "wait1@example.org"]


def test_offer_link_is_personal_single_use_and_unguessable(
    sold_out, tenant_a, django_capture_on_commit_callbacks, logged_in
):
    event, level, order, waiting = sold_out
    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order_id=order.pk, amount=order.total)
    link = _links()["wait0@example.org"]
    token = link.split("/")[-2]
    owner = logged_in(waiting[0])
    other = logged_in(waiting[1])
    form = {
        "attendee-TOTAL_FORMS": 1,
        "attendee-INITIAL_FORMS": 0,
        "provider": "door",
        "attendee-0-level": level.pk,
        "attendee-0-legal_name": "Wait Zero",
        "attendee-0-badge_name": "Zero",
        "attendee-0-birthdate": "1990-05-17",
        "attendee-0-email": "wait0@example.org",
        "attendee-0-phone": "+1 555 0100",
        "attendee-0-emergency_contact": "Sam +1 555 0101",
    }

    guessed = owner.get(link.replace(token, token[:-2] + "AA"))
    seen_by_other = other.get(link)
    by_other = other.post(link, form)
    used = owner.post(link, form)
    again = owner.post(link, form)

    with tenant_context(tenant_a):
        entry = WaitlistEntry.objects.get(account_id=waiting[0].pk)
        placed = Order.objects.filter(account_id=waiting[0].pk).get()
    assert len(token) >= 40 and entry.offer_token_hash not in link
    assert guessed.status_code == 404
    assert seen_by_other.status_code == 403 and b"for another account" in seen_by_other.content
    assert b"attendee-0-legal_name" not in seen_by_other.content
    assert by_other.status_code == 400 and b"for another account" in by_other.content
    assert used.status_code == 302
    assert again.status_code == 404
    assert (entry.status, entry.order_id, placed.status) == ("used", placed.pk, "pending")


def test_another_tenants_host_cannot_use_the_offer(
    sold_out, tenant_a, django_capture_on_commit_callbacks, logged_in
):
    event, level, order, waiting = sold_out
    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order_id=order.pk, amount=order.total)
    link = _links()["wait0@example.org"]

    response = logged_in(waiting[0], tenant="beta").get(link)

    assert response.status_code == 404


def test_joining_is_one_click_and_only_when_sold_out(sold_out, tenant_a, logged_in):
    event, level, order, waiting = sold_out
    newcomer = UserFactory()
    client = logged_in(newcomer)

    page = client.get("/register/")
    joined = client.post(f"/register/waitlist/{level.pk}/join/")
    twice = client.post(f"/register/waitlist/{level.pk}/join/")
    with tenant_context(tenant_a):
        open_level = BadgeLevelFactory(event=event, name="Day", price=Decimal("30.00"))
    refused = client.post(f"/register/waitlist/{open_level.pk}/join/")

    with tenant_context(tenant_a):
        entries = WaitlistEntry.objects.filter(account_id=newcomer.pk).count()
    assert b"Join the waiting list" in page.content
    assert (joined.status_code, twice.status_code) == (302, 302)
    assert entries == 1
    assert refused.status_code == 400 and b"not sold out" in refused.content


def test_raised_capacity_in_the_admin_offers_the_new_places_in_order(
    sold_out, tenant_a, client_a, django_capture_on_commit_callbacks
):
    from tenant.roles import Role
    from tests.factories.tenant import MembershipFactory

    event, level, order, waiting = sold_out
    lead = MembershipFactory(tenant=tenant_a, roles=[Role.REGISTRATION_LEAD]).user
    client_a.post("/accounts/login/", {"username": lead.email, "password": PASSWORD})
    page = client_a.get(f"/admin/register/badgelevel/{level.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None} | {
        "capacity": 3,
        "price_tiers-TOTAL_FORMS": 0,
        "price_tiers-INITIAL_FORMS": 0,
    }

    with django_capture_on_commit_callbacks(execute=True):
        saved = client_a.post(f"/admin/register/badgelevel/{level.pk}/change/", data)

    with tenant_context(tenant_a):
        statuses = list(WaitlistEntry.objects.order_by("pk").values_list("status", flat=True))
    assert saved.status_code == 302
    assert statuses == ["offered", "offered", "waiting"]
    assert sorted(_links()) == ["wait0@example.org", "wait1@example.org"]


def test_offer_links_carry_the_site_port_when_it_is_not_the_default(
    sold_out, settings, django_capture_on_commit_callbacks
):
    event, level, order, waiting = sold_out
    settings.DEBUG, settings.SITE_LINK_PORT = True, 8100

    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order_id=order.pk, amount=order.total)

    (message,) = mail.outbox
    assert re.search(r"http://alpha\.localhost:8100/[\w-]+/register/offer/[\w-]+/", message.body)


def test_deleting_my_data_passes_my_open_offer_to_the_next_in_line(
    sold_out, django_capture_on_commit_callbacks
):
    event, level, order, waiting = sold_out
    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order_id=order.pk, amount=order.total)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        person_anonymize(account=waiting[0])

    statuses = list(WaitlistEntry.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["left", "offered", "waiting"]
    assert list(_links()) == ["wait1@example.org"]
