"""The buyer's confirmation with the pickup QR code, sent after the commit."""

from __future__ import annotations

import io

import segno
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from event.current import event_link
from shop.models import ShopOrder
from tenant.models import User


def order_send_confirmation(*, order_id: int) -> int:
    order = (
        ShopOrder.objects.select_related("event")
        .prefetch_related("lines__variant__product")
        .filter(pk=order_id, status=ShopOrder.Status.PAID)
        .first()
    )
    if order is None:
        return 0
    email = User.objects.filter(pk=order.account_id).values_list("email", flat=True).first()
    if not email:
        return 0
    context = {
        "order": order,
        "link": event_link(order.event, "shop:order", kwargs={"reference": order.reference}),
    }
    message = EmailMultiAlternatives(
        subject=_("Your %(event)s merch order %(reference)s")
        % {"event": order.event.name, "reference": order.reference},
        body=render_to_string("shop/email/confirmation.txt", context),
        to=[email],
    )
    buffer = io.BytesIO()
    segno.make(order.pickup_token, error="m").save(buffer, kind="png", scale=6)
    message.attach("pickup-code.png", buffer.getvalue(), "image/png")
    return message.send()
