"""Every amount on the registration pages is written with its currency in the reader's
language, and every time in the event's time zone with its abbreviation."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation
from django_tenants.utils import tenant_context

from midsummer.formats import format_event_time
from register.services import order_mark_paid, order_place
from tests.factories.register import BadgeLevelFactory, attendee


@pytest.mark.parametrize(
    ("language", "card", "option", "add_on"),
    [
        ("en", "— $60.00", ">Attendee — $60.00<", "T-shirt (+$20.00)"),
        ("de", "— 60,00\xa0$", ">Attendee — 60,00\xa0$<", "T-shirt (+20,00\xa0$)"),
    ],
)
def test_register_page_writes_prices_with_their_currency(
    sale, buyer_client, language, card, option, add_on
):
    page = buyer_client.get("/register/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert card in page
    assert option in page
    assert add_on in page
    assert "60.00<" not in page.replace("$60.00<", "")


@pytest.mark.parametrize(("language", "difference"), [("en", "(+$90.00)"), ("de", "(+90,00\xa0$)")])
def test_upgrade_offer_writes_the_difference_with_its_currency(
    sale, buyer_client, tenant_a, language, difference
):
    event, level, _ = sale
    with tenant_context(tenant_a):
        BadgeLevelFactory(event=event, name="Sponsor", price=Decimal("150.00"))
        order = order_place(
            event=event,
            account=buyer_client.buyer,
            provider="simulated",
            attendees=[attendee(level)],
        )
        order_mark_paid(order_id=order.pk, amount=order.total)

    page = buyer_client.get("/register/mine/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert f"Sponsor {difference}" in page


def test_pay_page_says_until_when_in_the_events_time_zone(sale, buyer_client, tenant_a):
    event, level, _ = sale
    with tenant_context(tenant_a):
        event.timezone = "America/New_York"
        event.save(update_fields=["timezone"])
        order = order_place(
            event=event,
            account=buyer_client.buyer,
            provider="simulated",
            attendees=[attendee(level)],
        )

    page = buyer_client.get(f"/payments/pay/register/{order.reference}/").content.decode()

    with translation.override("en"):
        clock = format_event_time(order.hold_expires_at, "America/New_York", with_date=False)
    local = order.hold_expires_at.astimezone(dt.timezone(dt.timedelta(hours=-5)))
    assert clock.endswith((" EST", " EDT"))
    assert f"Your badges are held until {clock}." in page
    assert "(UTC)" not in page
    assert f"{local:%-I:%M}" in clock or f"{(local + dt.timedelta(hours=1)):%-I:%M}" in clock
