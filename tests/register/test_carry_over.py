"""Carry-overs between a convention's events: a paid badge's credit rolled over into next
year's (a personal code, once), and loyalty codes for last year's attendees."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django_tenants.utils import schema_context, tenant_context

from event.models import Event
from register.models import DiscountCode, Order, Registration
from register.selectors import discount_code_valid_now
from register.services import (
    order_mark_paid,
    order_place,
    order_roll_over,
    person_anonymize,
    registration_settings_update,
)
from tenant.models import Tenant, User
from tests.concurrency import run_at_once
from tests.factories.event import EventFactory
from tests.factories.register import BadgeLevelFactory, attendee
from tests.factories.tenant import UserFactory

NOW = dt.datetime(2031, 3, 1, 12, tzinfo=dt.UTC)


def _two_events():
    this_year = EventFactory(is_active=True, start_date=dt.date(2031, 7, 1))
    registration_settings_update(event=this_year, self_cancel_until=dt.date(2031, 6, 1))
    next_year = EventFactory(name="Next Year Con", start_date=dt.date(2032, 7, 1))
    return (
        BadgeLevelFactory(event=this_year, price=Decimal("60.00"), capacity=1),
        BadgeLevelFactory(event=next_year, price=Decimal("70.00")),
    )


def _paid(level, buyer, badges: int = 1) -> Order:
    order = order_place(
        event=level.event,
        account=buyer,
        provider="simulated",
        attendees=[attendee(level)] * badges,
    )
    return order_mark_paid(order_id=order.pk, amount=order.total)


@pytest.fixture
def carried(tenant_a):
    with tenant_context(tenant_a):
        this_level, next_level = _two_events()
        buyer = UserFactory()
        yield _paid(this_level, buyer), this_level, next_level, buyer


def test_a_rolled_over_badge_frees_its_place_and_its_credit_pays_for_next_years_badge(
    carried, tenant_a, client_a, log_in, django_capture_on_commit_callbacks
):
    order, this_level, next_level, buyer = carried
    log_in(client_a, buyer)
    page = client_a.get(f"/register/orders/{order.reference}/")

    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(
            f"/register/orders/{order.reference}/roll-over/", {"event": next_level.event_id}
        )

    assert b"Roll over my badge" in page.content and b"Next Year Con" in page.content
    assert response.status_code == 302
    with tenant_context(tenant_a):
        order.refresh_from_db()
        code = DiscountCode.objects.get(source_order=order)
        assert (order.status, order.refunded_total) == ("cancelled", Decimal("0"))
        assert order.status_changes.last().note.startswith("rolled over to Next Year Con: 60.00")
        assert (code.event_id, code.kind, code.amount, code.max_uses, code.origin) == (
            next_level.event_id,
            "fixed",
            Decimal("60.00"),
            1,
            "rollover",
        )
        assert code.for_email == buyer.email.lower()
        # This year's place is free again; next year's badge costs what is left to pay.
        _paid(this_level, UserFactory())
        next_order = order_place(
            event=next_level.event,
            account=buyer,
            provider="simulated",
            attendees=[attendee(next_level)],
            discount_code=code.code.lower(),
        )
        assert next_order.total == Decimal("10.00")
    [sent] = mail.outbox
    assert sent.to == [buyer.email.lower()]
    assert code.code in sent.body
    assert f"/{next_level.event.slug}/register/?code={code.code}" in sent.body
    shown = client_a.get(f"/register/orders/{order.reference}/")
    assert code.code.encode() in shown.content


def test_a_rollover_code_is_personal_once_and_for_its_event_only(carried, tenant_a, tenant_b):
    order, this_level, next_level, buyer = carried
    with tenant_context(tenant_a):
        code = order_roll_over(order_id=order.pk, account=buyer, to_event_id=next_level.event_id)
        someone_else = UserFactory()
        for event, account in ((next_level.event, someone_else), (this_level.event, buyer)):
            with pytest.raises(ValidationError) as refused:
                order_place(
                    event=event,
                    account=account,
                    provider="simulated",
                    attendees=[attendee(next_level if event == next_level.event else this_level)],
                    discount_code=code.code,
                )
            assert refused.value.message_dict == {
                "discount_code": ["This code is not valid for this event now."]
            }
        assert discount_code_valid_now(event=next_level.event, code=code.code, now=NOW) is None
        assert (
            discount_code_valid_now(
                event=next_level.event, code=code.code, now=NOW, email=buyer.email.upper()
            )
            == code
        )
        used = order_place(
            event=next_level.event,
            account=buyer,
            provider="simulated",
            attendees=[attendee(next_level)],
            discount_code=code.code,
        )
        assert used.discount_total == Decimal("60.00")
        with pytest.raises(ValidationError):  # its one use is taken
            order_place(
                event=next_level.event,
                account=buyer,
                provider="simulated",
                attendees=[attendee(next_level)],
                discount_code=code.code,
            )
    with tenant_context(tenant_b):  # another convention knows nothing of it
        assert not DiscountCode.objects.filter(code=code.code).exists()
        their_event = EventFactory()
        assert (
            discount_code_valid_now(event=their_event, code=code.code, now=NOW, email=buyer.email)
            is None
        )


def test_what_cannot_be_rolled_over_is_refused_and_nothing_changes(tenant_a, client_a, log_in):
    with tenant_context(tenant_a):
        this_level, next_level = _two_events()
        this_level.capacity = None
        this_level.save()
        buyer = UserFactory()
        two_badges = _paid(this_level, buyer, badges=2)
        unpaid = order_place(
            event=this_level.event,
            account=buyer,
            provider="simulated",
            attendees=[attendee(this_level)],
        )
        single = _paid(this_level, buyer)
    log_in(client_a, buyer)

    answers = {
        "two badges": client_a.post(
            f"/register/orders/{two_badges.reference}/roll-over/", {"event": next_level.event_id}
        ),
        "unpaid": client_a.post(
            f"/register/orders/{unpaid.reference}/roll-over/", {"event": next_level.event_id}
        ),
        "to its own event": client_a.post(
            f"/register/orders/{single.reference}/roll-over/", {"event": this_level.event_id}
        ),
        "no event": client_a.post(f"/register/orders/{single.reference}/roll-over/", {}),
    }

    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(answers, 400)
    assert "Only an order of one badge" in answers["two badges"].content.decode()
    assert "Only a paid order" in answers["unpaid"].content.decode()
    assert "Choose one of the events offered." in answers["to its own event"].content.decode()
    with tenant_context(tenant_a):
        assert not DiscountCode.objects.exists()
        assert sorted(Order.objects.values_list("status", flat=True)) == [
            "paid",
            "paid",
            "pending",
        ]
        # With next year not on sale, nothing is offered.
        Event.objects.filter(pk=next_level.event_id).update(state=Event.State.DRAFT)
    page = client_a.get(f"/register/orders/{single.reference}/")
    assert b"Roll over my badge" not in page.content


def test_credit_never_rolls_into_an_event_selling_in_another_currency(
    carried, tenant_a, client_a, log_in
):
    order, _this_level, _next_level, buyer = carried
    with tenant_context(tenant_a):
        in_euros = EventFactory(name="Euro Con", start_date=dt.date(2032, 3, 1))
        registration_settings_update(event=in_euros, currency="EUR")
    log_in(client_a, buyer)

    page = client_a.get(f"/register/orders/{order.reference}/").content.decode()
    refused = client_a.post(
        f"/register/orders/{order.reference}/roll-over/", {"event": in_euros.pk}
    )

    assert "Next Year Con" in page and "Euro Con" not in page
    assert refused.status_code == 400
    assert "Choose one of the events offered." in refused.content.decode()
    with tenant_context(tenant_a):
        assert not DiscountCode.objects.exists()
        assert Order.objects.get(pk=order.pk).status == "paid"
        # The same event selling in the order's currency is offered.
        registration_settings_update(event=in_euros, currency=order.currency)
    assert "Euro Con" in client_a.get(f"/register/orders/{order.reference}/").content.decode()


@pytest.fixture
def committed_carry(committed):
    alpha = Tenant.objects.get(schema_name="alpha")
    with schema_context("public"):
        buyer = User.objects.create_user("roller@example.org", None)
    with tenant_context(alpha):
        this_level, next_level = _two_events()
        order = _paid(this_level, buyer)
    try:
        yield alpha, order, next_level, buyer
    finally:
        with tenant_context(alpha):
            DiscountCode.objects.all().delete()
            Registration.objects.all().delete()
            Order.objects.all().delete()
            Event.objects.filter(pk__in=[this_level.event_id, next_level.event_id]).delete()
        with schema_context("public"):
            buyer.delete()


def test_a_badge_sent_twice_at_once_is_rolled_over_once(committed_carry):
    alpha, order, next_level, buyer = committed_carry

    def roll_over(_n):
        with tenant_context(alpha):
            return order_roll_over(
                order_id=order.pk, account=buyer, to_event_id=next_level.event_id
            )

    results = run_at_once(roll_over, [1, 2])

    codes = [r for r in results if isinstance(r, DiscountCode)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(codes), len(refused)) == (1, 1), results
    assert "cancelled" in refused[0].messages[0] or "rolled over" in refused[0].messages[0]
    with tenant_context(alpha):
        assert DiscountCode.objects.filter(origin="rollover").count() == 1


def test_loyalty_codes_go_once_to_each_of_last_years_attendees(
    tenant_a, django_capture_on_commit_callbacks
):
    with tenant_context(tenant_a):
        this_level, next_level = _two_events()
        this_level.capacity = None
        this_level.save()
        buyers = [UserFactory(email=f"fan{n}@example.org") for n in range(3)]
        _paid(this_level, buyers[0], badges=2)  # two badges, one person (no holder named)
        _paid(this_level, buyers[1])
        order_place(  # never paid: not an attendee
            event=this_level.event,
            account=buyers[2],
            provider="simulated",
            attendees=[attendee(this_level)],
        )
        args = ["--from", this_level.event.slug, "--to", next_level.event.slug, "--percent", "15"]

        with django_capture_on_commit_callbacks(execute=True):
            call_command("register__issue_loyalty_codes", *args, verbosity=0)
        first = mail.outbox[:]
        with django_capture_on_commit_callbacks(execute=True):
            call_command("register__issue_loyalty_codes", *args, verbosity=0)

        codes = DiscountCode.objects.filter(origin="loyalty").order_by("for_email")
        assert [c.for_email for c in codes] == ["fan0@example.org", "fan1@example.org"]
        assert {(c.kind, c.amount, c.max_uses, c.event_id) for c in codes} == {
            ("percent", Decimal("15.00"), 1, next_level.event_id)
        }
        assert codes[0].valid_until == dt.datetime(2032, 7, 1, 4, tzinfo=dt.UTC)  # New York
        assert sorted(m.to[0] for m in first) == ["fan0@example.org", "fan1@example.org"]
        assert len(mail.outbox) == 2  # the second run mailed nobody
        assert "15% off one badge for Next Year Con" in first[0].body
        with pytest.raises(ValidationError):
            order_place(
                event=next_level.event,
                account=buyers[2],
                provider="simulated",
                attendees=[attendee(next_level)],
                discount_code=codes[0].code,
            )
        used = order_place(
            event=next_level.event,
            account=buyers[0],
            provider="simulated",
            attendees=[attendee(next_level)],
            discount_code=codes[0].code,
            now=NOW,
        )
        assert used.total == Decimal("59.50")


def test_a_person_who_asks_to_be_forgotten_is_no_longer_named_by_their_codes(carried, tenant_a):
    order, _this_level, next_level, buyer = carried
    with tenant_context(tenant_a):
        code = order_roll_over(order_id=order.pk, account=buyer, to_event_id=next_level.event_id)

        person_anonymize(account=buyer)

        code.refresh_from_db()
        assert code.for_email == "anonymized@invalid"
        assert (
            discount_code_valid_now(
                event=next_level.event, code=code.code, now=NOW, email=buyer.email
            )
            is None
        )
