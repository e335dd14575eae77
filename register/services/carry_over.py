"""What a convention carries from one event into a later one: a cancelled badge's credit
(a rollover) and a loyalty discount for last time's attendees. Both are personal discount codes
of the later event — usable only by the account with their email, once — mailed after commit."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from event.models import Event
from event.selectors import event_timezone, event_today
from register.models import DiscountCode, Order
from register.selectors import (
    NO_LATER_EVENT,
    rollover_blocker,
    rollover_credit,
    rollover_targets,
    self_cancel_refusal,
)
from register.services.payment import order_cancel_paid_without_refund
from tenant.models import User
from tenant.tasks import queue_after_commit, queue_many_after_commit

# Unambiguous when read out at a desk or typed from a mail: no 0/O, 1/I/L.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _personal_code(event: Event, prefix: str) -> str:
    while True:
        code = prefix + "-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
        if not DiscountCode.objects.filter(event=event, code__iexact=code).exists():
            return code


@transaction.atomic
def order_roll_over(
    *, order_id: int, account: User, to_event_id: int, now: dt.datetime | None = None
) -> DiscountCode:
    """The buyer gives up their one-badge paid order and keeps what they paid as credit for a
    later event: the order is cancelled (its place free at once, no refund) and a personal code
    of ``to_event`` worth the credit, for one badge, is made and mailed to them. Refused, with
    nothing written, for what ``self_cancel_refusal`` and ``rollover_blocker`` name and for an
    event that is not one of ``rollover_targets``. Under the order's lock: rolled over once,
    however often it is sent."""
    order = Order.objects.select_for_update(of=("self",)).select_related("event").get(pk=order_id)
    today = event_today(order.event, now)
    refusal = self_cancel_refusal(
        order=order, account_id=account.pk, today=today
    ) or rollover_blocker(order=order)
    if refusal is not None:
        raise ValidationError(refusal)
    targets = rollover_targets(order=order)
    if not targets:
        raise ValidationError(str(NO_LATER_EVENT))
    target = next((e for e in targets if e.pk == to_event_id), None)
    if target is None:
        raise ValidationError({"event": gettext("Choose one of the events offered.")})
    credit = rollover_credit(order=order)
    order_cancel_paid_without_refund(
        order=order,
        by=account,
        reason="rolled over by the attendee",
        note=f"rolled over to {target.name}: {credit} {order.currency} credit",
    )
    code = DiscountCode.objects.create(
        event=target,
        code=_personal_code(target, "ROLL"),
        kind=DiscountCode.Kind.FIXED,
        amount=credit,
        max_uses=1,
        for_email=account.email.strip().lower(),
        origin=DiscountCode.Origin.ROLLOVER,
        source_order=order,
    )
    queue_after_commit("register.send_personal_code", code.pk)
    return code


@transaction.atomic
def loyalty_codes_issue(
    *,
    from_event: Event,
    to_event: Event,
    percent: Decimal,
    emails: list[str],
    expires_at: dt.datetime | None = None,
) -> list[DiscountCode]:
    """A personal ``percent`` code of ``to_event`` for each of ``emails`` (``loyalty_emails``
    of ``from_event``) who has none yet, each mailed after commit; returns the new ones. Runs
    one at a time per event (the event's row is locked), so running it again — or twice at
    once — issues nobody a second code."""
    if from_event.pk == to_event.pk:
        raise ValidationError(gettext("Choose two different events."))
    if not Decimal(0) < percent <= Decimal(100):
        raise ValidationError(gettext("The discount is a percentage from 1 to 100."))
    Event.objects.select_for_update().filter(pk=to_event.pk).first()
    having = set(
        DiscountCode.objects.filter(event=to_event, origin=DiscountCode.Origin.LOYALTY).values_list(
            "for_email", flat=True
        )
    )
    created = DiscountCode.objects.bulk_create(
        DiscountCode(
            event=to_event,
            code=_personal_code(to_event, "THANKS"),
            kind=DiscountCode.Kind.PERCENT,
            amount=percent,
            max_uses=1,
            valid_until=expires_at,
            for_email=email,
            origin=DiscountCode.Origin.LOYALTY,
        )
        for email in emails
        if email not in having
    )
    queue_many_after_commit("register.send_personal_code", [(code.pk,) for code in created])
    return created


def loyalty_default_until(to_event: Event, *, last_day: dt.date | None = None) -> dt.datetime:
    """When loyalty codes stop working: after ``last_day``, by default the day before the later
    event starts (they are for pre-registration), midnight at the event."""
    day = last_day or to_event.start_date - dt.timedelta(days=1)
    return dt.datetime.combine(
        day + dt.timedelta(days=1), dt.time.min, tzinfo=event_timezone(to_event)
    )
