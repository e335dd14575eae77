"""Discount codes: which code a buyer typed, and whether it may be used now — one rule for the
page that shows the code applied and for the purchase that takes it under a row lock — and
the personal codes carried over between events (a rollover's credit, loyalty discounts)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext, gettext_lazy

from event.models import Event
from register.models import DiscountCode, Order, Registration
from register.selectors.settings import registration_settings_of


def discount_code_valid_q(*, now: dt.datetime) -> Q:
    """Codes whose validity window contains ``now``: from ``valid_from`` (inclusive) until
    ``valid_until`` (exclusive); an empty bound is open."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=now)) & (
        Q(valid_until__isnull=True) | Q(valid_until__gt=now)
    )


def discount_codes_usable(
    *, event: Event, code: str, now: dt.datetime, email: str = ""
) -> QuerySet[DiscountCode]:
    """The event's code spelled ``code`` (any case, surrounding spaces ignored) if it may be
    used now by the account with ``email``; empty for a blank or unknown code, and for a
    personal code (rollover credit, loyalty) of someone else — the same answer as an unknown
    code, so a code says nothing about whose it is. The purchase locks it from here."""
    spelled = code.strip()
    if not spelled:
        return DiscountCode.objects.none()
    whose = Q(for_email="")
    if email.strip():
        whose |= Q(for_email__iexact=email.strip())
    return DiscountCode.objects.filter(
        discount_code_valid_q(now=now), whose, event=event, code__iexact=spelled
    )


def discount_code_valid_now(
    *, event: Event, code: str, now: dt.datetime, email: str = ""
) -> DiscountCode | None:
    """The event's code spelled ``code`` (any case), if the account with ``email`` may use it
    now."""
    return discount_codes_usable(event=event, code=code, now=now, email=email).first()


def rollover_targets(*, order: Order) -> list[Event]:
    """The events this order's credit may roll over into: the convention's other events on
    sale now that start after the order's own, soonest first — only those selling in the
    order's currency (the credit is an amount; it is never converted)."""
    later = list(
        Event.objects.filter(state=Event.State.ON_SALE, start_date__gt=order.event.start_date)
        .exclude(pk=order.event_id)
        .order_by("start_date", "pk")
    )
    settings = registration_settings_of(event_ids=[event.pk for event in later])
    return [event for event in later if settings[event.pk].currency == order.currency]


def rollover_credit(*, order: Order) -> Decimal:
    """What the buyer paid for ``order`` and was not refunded: the credit a rollover carries."""
    return order.total - order.refunded_total


def rollover_blocker(*, order: Order) -> str | None:
    """What stops an order its buyer may cancel (``self_cancel_refusal``) from being rolled
    over: it must be paid, of one badge, with credit left and not rolled over before. Where it
    may go is ``rollover_targets``; with none, ``NO_LATER_EVENT``."""
    if order.status != Order.Status.PAID:
        return gettext("Only a paid order can be rolled over.")
    if rollover_code_of(order=order) is not None:
        return gettext("This order was rolled over already.")
    if order.registrations.count() != 1:
        return gettext("Only an order of one badge can be rolled over; please ask the team.")
    if rollover_credit(order=order) <= 0:
        return gettext("Nothing was paid for this order, so there is no credit to roll over.")
    return None


NO_LATER_EVENT = gettext_lazy("No later event is on sale yet.")


def rollover_code_of(*, order: Order) -> DiscountCode | None:
    """The code this order's credit was rolled over into, if it was (then it is cancelled)."""
    return DiscountCode.objects.filter(source_order=order).select_related("event").first()


def loyalty_emails(*, event: Event) -> list[str]:
    """Everyone who had a paid badge at ``event`` — its holder, or the buyer when nobody was
    named — by email, lower-cased, once each."""
    paid = Registration.objects.filter(event=event, order__status=Order.Status.PAID)
    holders = paid.filter(holder__isnull=False).values_list("holder__email", flat=True)
    buyers = paid.filter(holder__isnull=True).values_list("order__account__email", flat=True)
    return sorted({email.strip().lower() for email in [*holders, *buyers] if email})
