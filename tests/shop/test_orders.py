"""Ordering merch: quotas, limits, badge-holder items, holds that run out, payment through
``payments`` and the confirmation with the pickup code; bad input refused with a message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from payments.kinds import PaymentConflictError
from shop.models import OrderLine, ShopOrder
from shop.services import (
    line_hand_out,
    order_mark_paid,
    order_place,
    order_refund,
    orders_release_expired_holds,
)
from tests.clients import PersonClient
from tests.conftest import TENANT_HOSTS
from tests.factories.tenant import PASSWORD, UserFactory


def _buy(shop, items, account=None, provider="simulated", **kwargs):
    return order_place(
        event=shop.event, account=account or UserFactory(), items=items, provider=provider, **kwargs
    )


def test_the_overlapping_quotas_hold_and_the_message_names_the_one_that_ran_out(shop):
    """10 shirts in all, 8 of each size."""
    _buy(shop, {shop.m.pk: 3})
    _buy(shop, {shop.m.pk: 3})

    with pytest.raises(ValidationError, match="only 2 left of Shirts M"):
        _buy(shop, {shop.m.pk: 3})
    _buy(shop, {shop.m.pk: 1})
    _buy(shop, {shop.l.pk: 3})
    with pytest.raises(ValidationError, match="only 0 left of All shirts"):
        _buy(shop, {shop.l.pk: 1})  # L has 5 of its own left, but all shirts are gone


def test_limits_badge_holder_items_and_foreign_ids_are_refused(shop, tenant_b):
    buyer = UserFactory()
    _buy(shop, {shop.pin.pk: 2}, account=buyer)

    with pytest.raises(ValidationError, match="At most 3 of Shirt per order"):
        _buy(shop, {shop.m.pk: 2, shop.l.pk: 2})
    with pytest.raises(ValidationError, match="At most 2 of Pin per person"):
        _buy(shop, {shop.pin.pk: 1}, account=buyer)
    with pytest.raises(ValidationError, match="for badge holders only"):
        _buy(shop, {shop.sponsor.pk: 1})
    with pytest.raises(ValidationError, match="not in this shop"):
        _buy(shop, {shop.m.pk + 10_000: 1})
    assert ShopOrder.objects.count() == 1


def test_a_hold_that_runs_out_frees_the_stock_and_a_late_payment_conflicts(shop):
    held = _buy(shop, {shop.m.pk: 3})
    for _ in range(2):
        _buy(shop, {shop.m.pk: 2})
    with pytest.raises(ValidationError, match="Sold out"):
        _buy(shop, {shop.m.pk: 3})

    orders_release_expired_holds(now=held.hold_expires_at + dt.timedelta(seconds=1))

    assert _buy(shop, {shop.m.pk: 3}).status == "pending"
    with pytest.raises(PaymentConflictError):
        order_mark_paid(reference=held.reference, amount=held.total)


def test_buying_on_the_page_pays_by_card_and_mails_the_pickup_code(
    shop, django_capture_on_commit_callbacks
):
    buyer = UserFactory()
    client = PersonClient(HTTP_HOST=TENANT_HOSTS["alpha"])
    client.post("/accounts/login/", {"username": buyer.email, "password": PASSWORD})

    catalogue = client.get("/shop/").content.decode()
    placed = client.post(
        "/shop/",
        {
            f"qty-{shop.m.pk}": "2",
            f"qty-{shop.pin.pk}": "1",
            "provider": "simulated",
            "submission": "s1",
        },
    )
    again = client.post(
        "/shop/",
        {
            f"qty-{shop.m.pk}": "2",
            f"qty-{shop.pin.pk}": "1",
            "provider": "simulated",
            "submission": "s1",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        paid = client.post(placed["Location"], {"card_number": "4242 4242 4242 4242"})
    order_page = client.get(paid["Location"]).content.decode()

    order = ShopOrder.objects.get()
    assert "8 left" in catalogue and "Sponsor pin" in catalogue
    assert placed["Location"] == again["Location"] == f"/payments/pay/shop/{order.reference}/"
    assert (order.status, str(order.total)) == ("paid", "58.00")
    assert "<svg" in order_page
    (message,) = mail.outbox
    assert message.attachments[0][0] == "pickup-code.png"
    assert "2 × Shirt — M" in message.body


def test_bad_quantities_and_tampered_ids_are_4xx_on_the_page(shop):
    buyer = UserFactory()
    client = PersonClient(HTTP_HOST=TENANT_HOSTS["alpha"])
    client.post("/accounts/login/", {"username": buyer.email, "password": PASSWORD})
    base = {"provider": "simulated", "submission": "s2"}

    words = client.post("/shop/", {**base, f"qty-{shop.m.pk}": "lots"})
    nothing = client.post("/shop/", {**base, f"qty-{shop.m.pk}": "0"})
    foreign = client.post("/shop/", {**base, "qty-999999": "1"})

    assert words.status_code == 400 and "number from 0 to 99" in words.content.decode()
    assert nothing.status_code == 409 and "Choose at least one item." in nothing.content.decode()
    assert foreign.status_code == 409 and "not in this shop" in foreign.content.decode()
    assert ShopOrder.objects.count() == 0


def test_a_refund_returns_what_was_not_handed_out_to_stock_and_the_money_once(shop):
    order = _buy(shop, {shop.m.pk: 3, shop.pin.pk: 2})
    order = order_mark_paid(reference=order.reference, amount=order.total)
    shirts, pins = order.lines.order_by("pk")
    line_hand_out(order=order, line_id=shirts.pk)
    for _ in range(2):
        _buy(shop, {shop.m.pk: 2})  # Shirts M: 3 + 4 of 8 taken

    with pytest.raises(ValidationError, match="only 1 left of Shirts M"):
        _buy(shop, {shop.m.pk: 2})
    partly = order_refund(order_id=order.pk, line_id=shirts.pk)  # 2 not handed out
    restocked = _buy(shop, {shop.m.pk: 3})  # 1 + 2 back in stock
    in_full = order_refund(order_id=order.pk)
    with pytest.raises(ValidationError, match="Nothing left to refund"):
        order_refund(order_id=order.pk)  # the one shirt handed out stays paid for

    assert str(partly.refunded_total) == "50.00" and partly.status == "paid"
    assert restocked.status == "pending"
    assert (str(in_full.refunded_total), in_full.status) == ("66.00", "paid")
    assert list(OrderLine.objects.filter(order=order).values_list("refunded", flat=True)) == [2, 2]


def test_an_order_refunded_in_full_is_refunded(shop):
    order = _buy(shop, {shop.pin.pk: 2})
    order = order_mark_paid(reference=order.reference, amount=order.total)

    refunded = order_refund(order_id=order.pk)

    assert (refunded.status, refunded.refunded_total) == ("refunded", order.total)
    with pytest.raises(ValidationError, match="Only a paid order"):
        order_refund(order_id=order.pk)
