"""Placing an order: one or more badges, priced, checked and holding their places.

``order_place`` is a short sequence of named steps, each reading what it needs once. A free
order is paid as it is placed: its badge numbers are taken for the whole order with one counter
update per kind, its badges and their audit records are written in one batch each, and the
order gets one status record.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from collections.abc import Iterator, Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from simple_history.utils import bulk_create_with_history

from event.models import Event
from register.models import (
    AddOn,
    Answer,
    DiscountCode,
    Order,
    Question,
    Registration,
    RegistrationAddOn,
)
from register.selectors import ban_matches_any, order_placed_by_form
from register.services.audit import audit, record_status
from register.services.badge_numbers import take_badge_numbers
from register.services.capacity import (
    check_capacity,
    check_on_sale,
    lock_add_ons,
    lock_discount_code,
    lock_levels,
)
from register.services.inputs import AttendeeInput, DuplicateSubmissionError
from register.services.pricing import CodeTerms, PricedOrder, price_order
from register.services.rules import AttendeeRules
from register.services.throttles import CodeGuesser, discount_code_check_attempts
from tenant.due import work_due
from tenant.models import User
from tenant.signals import attendee_joined
from tenant.tasks import queue_after_commit

GROUP_SIZE = range(2, 21)
SUBMITTED_ONCE = "register_order_submitted_once"  # the constraint behind DuplicateSubmissionError


def order_place(
    *,
    event: Event,
    account: User,
    attendees: list[AttendeeInput],
    provider: str,
    discount_code: str = "",
    now: dt.datetime | None = None,
    waitlist_offer_id: int | None = None,
    submission: str = "",
    guesser: CodeGuesser | None = None,
) -> Order:
    """Place an order for one or more attendees, holding their places.

    Prices, discounts and totals are computed here and frozen on the order; nothing the client
    sends is trusted for money. Either the whole order is written or nothing is (no order, no
    hold, no code use). A free order is paid at once (or held for review when someone in it
    matches the ban list); a card order holds its places for the event's hold time; a
    pay-at-the-door order holds them until it is paid or cancelled.

    ``submission``: the form's one-time key; sending it again raises DuplicateSubmissionError
    with the order it placed (also when both arrive at once). ``guesser``: who typed the
    discount code — their wrong codes are counted, and too many raise TooManyCodeGuessesError.

    Side effects: the directory learns the buyer attends (``attendee_joined``); after commit a
    free order's confirmation (or review notice) is queued.
    """
    if guesser is not None and discount_code.strip():
        discount_code_check_attempts(guesser)
    try:
        return _order_place(
            event=event,
            account=account,
            attendees=attendees,
            provider=provider,
            discount_code=discount_code,
            now=now or timezone.now(),
            waitlist_offer_id=waitlist_offer_id,
            submission=submission,
        )
    except ValidationError as error:
        if submission:
            # Sent again after its order took the last places: it finds its order, not "sold out".
            sent_before = order_placed_by_form(account_id=account.pk, submission=submission)
            if sent_before is not None:
                raise DuplicateSubmissionError(sent_before) from error
        if guesser is not None and "discount_code" in getattr(error, "error_dict", {}):
            guesser.record_failure()
        raise
    except IntegrityError as error:
        if submission and _violated(error) == SUBMITTED_ONCE:
            placed = Order.objects.get(account_id=account.pk, submission=submission)
            raise DuplicateSubmissionError(placed.reference) from error
        raise


def group_order_place(
    *,
    event: Event,
    account: User,
    leader: AttendeeInput,
    quantity: int,
    provider: str,
    now: dt.datetime | None = None,
) -> Order:
    """A group leader buys ``quantity`` badges of one level in one order (priced, locked and
    paid like any order). Until assigned, every badge carries the leader's details and waits
    for a holder (``needs_holder``); the leader assigns each one by email (``transfer_offer``,
    open whatever the transfer settings say) and the holder accepts with their own details."""
    if quantity not in GROUP_SIZE:
        raise ValidationError({"quantity": gettext("A group buys 2 to 20 badges.")})
    return _order_place(
        event=event,
        account=account,
        attendees=[leader] * quantity,
        provider=provider,
        now=now or timezone.now(),
        needs_holder=True,
    )


@transaction.atomic
def _order_place(
    *,
    event: Event,
    account: User,
    attendees: list[AttendeeInput],
    provider: str,
    now: dt.datetime,
    discount_code: str = "",
    waitlist_offer_id: int | None = None,
    submission: str = "",
    needs_holder: bool = False,
) -> Order:
    _check_order_form(attendees, provider)
    rules = AttendeeRules.of(event, now=now, with_questions=True)
    code = lock_discount_code(event=event, code=discount_code, now=now, email=account.email)
    terms = CodeTerms.of(code, now=now)
    levels = lock_levels(event=event, ids={a.level_id for a in attendees}, with_price_tiers=True)
    check_on_sale(levels.values(), now=now, unlocked=terms.unlocks if terms else frozenset())
    wanted = Counter(a.level_id for a in attendees)
    check_capacity(levels, wanted, now=now, except_offer_id=waitlist_offer_id)
    add_ons = lock_add_ons(event=event, attendees=attendees, now=now)
    for attendee in attendees:
        rules.check(attendee, levels[attendee.level_id], answers=attendee.answers)
    priced = price_order(
        attendees, event=event, day=rules.today, levels=levels, add_ons=add_ons, terms=terms
    )
    provider = _provider_for(priced.total, provider)
    status = _status_when_placed(provider, attendees)
    order = _order_insert(
        event=event,
        account=account,
        priced=priced,
        provider=provider,
        status=status,
        code=code,
        hold_minutes=rules.settings.hold_minutes,
        currency=rules.settings.currency,
        submission=submission,
        now=now,
    )
    numbers = (
        take_badge_numbers(event=event, kinds=(b.level.badge_kind for b in priced.badges))
        if status == Order.Status.PAID
        else {}
    )
    registrations = _registrations_insert(
        order, priced, numbers=numbers, needs_holder=needs_holder, by=account
    )
    _choices_insert(registrations, attendees, add_ons=add_ons, questions=rules.questions)
    _placed(order, by=account)
    return order


def _check_order_form(attendees: Sequence[AttendeeInput], provider: str) -> None:
    if not attendees:
        raise ValidationError({"attendees": gettext("Add at least one attendee.")})
    if provider not in Order.Provider.values:
        raise ValidationError({"provider": gettext("Unknown payment method.")})


def _provider_for(total: Decimal, provider: str) -> str:
    """Nothing to pay: the order is free whatever was chosen; something to pay: not free."""
    if total == 0:
        return Order.Provider.FREE
    if provider == Order.Provider.FREE:
        raise ValidationError({"provider": gettext("This order needs a payment.")})
    return provider


def _status_when_placed(provider: str, attendees: Sequence[AttendeeInput]) -> str:
    """Pending until paid; a free order is paid at once — or held for review when anyone in it
    matches the ban list (one query). A paid-for order is checked when it is paid."""
    if provider != Order.Provider.FREE:
        return Order.Status.PENDING
    return Order.Status.HELD if ban_matches_any(attendees) else Order.Status.PAID


def hold_until(*, provider: str, hold_minutes: int, now: dt.datetime) -> dt.datetime | None:
    """Until when an unpaid order keeps its places: the organizer's hold time for online
    payments; no limit for the door (the desk cancels); nothing to hold for a free order."""
    if provider in (Order.Provider.DOOR, Order.Provider.FREE):
        return None
    return now + dt.timedelta(minutes=hold_minutes)


def new_order_reference() -> str:
    return secrets.token_hex(5).upper()


def _order_insert(
    *,
    event: Event,
    account: User,
    priced: PricedOrder,
    provider: str,
    status: str,
    code: DiscountCode | None,
    hold_minutes: int,
    currency: str,
    submission: str,
    now: dt.datetime,
) -> Order:
    paid = status in (Order.Status.PAID, Order.Status.HELD)
    order = Order(
        event=event,
        reference=new_order_reference(),
        account=account,
        status=status,
        provider=provider,
        currency=currency,
        subtotal=priced.subtotal,
        discount_total=priced.discount_total,
        total=priced.total,
        discount_code=code,
        hold_expires_at=hold_until(provider=provider, hold_minutes=hold_minutes, now=now),
        paid_at=timezone.now() if paid else None,
        submission=submission,
    )
    audit(order, by=account, reason=_placing_reason(status))
    order.save(force_insert=True)
    if order.hold_expires_at:
        work_due("register.release_expired_holds", order.hold_expires_at)
    return order


def _placing_reason(status: str) -> str:
    if status == Order.Status.PAID:
        return "placed, paid: free"
    if status == Order.Status.HELD:
        return "placed, paid: free, held for review"
    return "placed"


def _registrations_insert(
    order: Order,
    priced: PricedOrder,
    *,
    numbers: dict[str, Iterator[int]],
    needs_holder: bool,
    by: User,
) -> list[Registration]:
    """The order's badges and their audit records, one INSERT each."""
    registrations = [
        Registration(
            order=order,
            event=order.event,
            level=badge.level,
            price=badge.price,
            discount=badge.discount,
            needs_holder=needs_holder,
            badge_number=next(numbers[badge.level.badge_kind]) if numbers else None,
            **badge.attendee.cleaned(),
        )
        for badge in priced.badges
    ]
    return bulk_create_with_history(
        registrations,
        Registration,
        default_user=by,
        default_change_reason=_placing_reason(order.status),
    )


def _choices_insert(
    registrations: list[Registration],
    attendees: Sequence[AttendeeInput],
    *,
    add_ons: dict[int, AddOn],
    questions: Sequence[Question],
) -> None:
    """Each badge's add-ons (at today's price) and answers, one INSERT each for the order."""
    asked = {question.pk for question in questions}
    pairs = list(zip(registrations, attendees, strict=True))
    RegistrationAddOn.objects.bulk_create(
        RegistrationAddOn(
            registration=registration,
            add_on=add_ons[add_on_id],
            option=option,
            price=add_ons[add_on_id].price,
        )
        for registration, attendee in pairs
        for add_on_id, option in attendee.add_ons
    )
    Answer.objects.bulk_create(
        Answer(registration=registration, question_id=question_id, value=value.strip())
        for registration, attendee in pairs
        for question_id, value in attendee.answers.items()
        if question_id in asked
    )


def _placed(order: Order, *, by: User) -> None:
    """What follows a placed order: the directory learns the buyer attends, the order's first
    status record, and for an order paid at once its confirmation (or review notice)."""
    attendee_joined.send(sender=Order, account_id=order.account_id)
    if order.status == Order.Status.PENDING:
        record_status(order, order.status, by=by, note="placed")
        return
    record_status(order, order.status, by=by, note="placed, free")
    order_id = order.pk
    if order.status == Order.Status.HELD:
        queue_after_commit("register.send_review_notice", order_id)
    else:
        queue_after_commit("register.send_order_confirmation", order_id)


def _violated(error: IntegrityError) -> str | None:
    """The name of the constraint an IntegrityError violated, when PostgreSQL says."""
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)
