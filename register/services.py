"""Placing, paying and releasing orders — every capacity decision under row locks.

Locks are always taken in the same order (discount code, then levels by id, then add-ons by id)
so that two orders racing for the same places wait for each other instead of deadlocking.
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import segno
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from event.models import BadgeNumberRange, Event
from event.services import minor_cutoff_for
from register.models import (
    AddOn,
    Answer,
    BadgeLevel,
    BadgeNumberCounter,
    DiscountCode,
    Order,
    OrderStatusChange,
    Question,
    Registration,
    RegistrationAddOn,
    RegistrationSettings,
    StripeEvent,
    Transfer,
    Upgrade,
    WaitlistEntry,
    new_checkin_token,
)
from register.selectors import (
    about_person_q,
    active_order_q,
    badge_name_edit_deadline,
    ban_matches,
    held_by_q,
    level_price_on,
    order_for_submission,
    places_taken,
    secret_hash,
    self_cancel_refusal,
    transfer_by_token,
    transfer_deadline,
    waitlist_offer_by_token,
)
from tenant.current import current_schema, site_link
from tenant.signals import attendee_joined
from tenant.tasks import queue_after_commit

CENT = Decimal("0.01")
ZERO = Decimal("0")


@dataclass(frozen=True)
class PersonInput:
    """A person taking over a badge: the attendee details, without level, add-ons or answers."""

    legal_name: str
    badge_name: str
    birthdate: dt.date
    email: str
    phone: str
    emergency_contact: str
    guardian_name: str = ""
    guardian_contact: str = ""
    guardian_consent: bool = False


@dataclass(frozen=True, kw_only=True)
class AttendeeInput(PersonInput):
    """One attendee of an order: the person, with the level, add-ons and answers."""

    level_id: int
    add_ons: tuple[tuple[int, str], ...] = ()  # (add-on id, chosen option)
    answers: dict[int, str] = field(default_factory=dict)  # question id → answer


class PaymentConflictError(Exception):
    """A payment arrived for an order that can no longer be paid (expired or cancelled)."""


def registration_settings(*, event: Event) -> RegistrationSettings:
    found, _ = RegistrationSettings.objects.get_or_create(event=event)
    return found


def _age_on(birthdate: dt.date, day: dt.date) -> int:
    return day.year - birthdate.year - ((day.month, day.day) < (birthdate.month, birthdate.day))


def _event_today(event: Event, now: dt.datetime) -> dt.date:
    return now.astimezone(zoneinfo.ZoneInfo(event.timezone)).date()


def _lock_code(event: Event, code: str, now: dt.datetime) -> DiscountCode | None:
    if not code.strip():
        return None
    found = (
        DiscountCode.objects.select_for_update()
        .filter(event=event, code__iexact=code.strip())
        .first()
    )
    if (
        found is None
        or (found.valid_from and now < found.valid_from)
        or (found.valid_until and now >= found.valid_until)
    ):
        raise ValidationError(
            {"discount_code": gettext("This code is not valid for this event now.")}
        )
    return found


def _lock_levels(event: Event, ids: set[int]) -> dict[int, BadgeLevel]:
    levels = {
        level.pk: level
        for level in BadgeLevel.objects.select_for_update()
        .filter(event=event, pk__in=ids)
        .order_by("pk")
    }
    if set(levels) != ids:
        raise ValidationError({"level": gettext("That badge level is not offered.")})
    return levels


def _check_level_on_sale(level: BadgeLevel, code: DiscountCode | None, now: dt.datetime) -> None:
    if level.sale_starts_at and now < level.sale_starts_at:
        raise ValidationError(
            {"level": gettext("%(level)s is not on sale yet.") % {"level": level.name}}
        )
    if level.sale_ends_at and now >= level.sale_ends_at:
        raise ValidationError(
            {"level": gettext("%(level)s is no longer on sale.") % {"level": level.name}}
        )
    if level.is_hidden and (code is None or not code.unlocks.filter(pk=level.pk).exists()):
        raise ValidationError({"level": gettext("That badge level is not offered.")})


def _check_capacity(
    levels: dict[int, BadgeLevel],
    wanted: Counter,
    now: dt.datetime,
    *,
    except_offer_id: int | None = None,
) -> None:
    taken = places_taken(level_ids=wanted, now=now, except_offer_id=except_offer_id)
    for level_id, count in wanted.items():
        level = levels[level_id]
        if level.capacity is not None and taken.get(level_id, 0) + count > level.capacity:
            left = max(level.capacity - taken.get(level_id, 0), 0)
            raise ValidationError(
                {
                    "level": gettext("%(level)s is sold out.") % {"level": level.name}
                    if left == 0
                    else ngettext(
                        "Only %(left)d %(level)s badge left.",
                        "Only %(left)d %(level)s badges left.",
                        left,
                    )
                    % {"left": left, "level": level.name}
                }
            )


def _lock_add_ons(event: Event, wanted: Counter, now: dt.datetime) -> dict[int, AddOn]:
    add_ons = {
        add_on.pk: add_on
        for add_on in AddOn.objects.select_for_update()
        .filter(event=event, pk__in=wanted)
        .order_by("pk")
    }
    if set(add_ons) != set(wanted):
        raise ValidationError({"add_ons": gettext("That add-on is not offered.")})
    taken = dict(
        RegistrationAddOn.objects.filter(
            active_order_q(now=now, prefix="registration__order__"), add_on__in=wanted
        )
        .values_list("add_on")
        .annotate(n=Count("pk"))
    )
    for add_on_id, count in wanted.items():
        add_on = add_ons[add_on_id]
        if add_on.capacity is not None and taken.get(add_on_id, 0) + count > add_on.capacity:
            raise ValidationError(
                {"add_ons": gettext("%(add_on)s is sold out.") % {"add_on": add_on.name}}
            )
    return add_ons


def _badge_name_error(badge_name: str, settings: RegistrationSettings) -> str | None:
    badge_name = badge_name.strip()
    if not badge_name or len(badge_name) > settings.badge_name_max_length:
        return gettext("A badge name needs 1 to %(max)d characters.") % {
            "max": settings.badge_name_max_length
        }
    if any(word in badge_name.lower() for word in settings.blocked_words):
        return gettext("Please choose another badge name.")
    return None


def _check_attendee(
    attendee: AttendeeInput,
    level: BadgeLevel,
    *,
    cutoff: dt.date,
    settings: RegistrationSettings,
    questions: list[Question],
) -> None:
    errors: dict[str, str] = {}
    is_minor = attendee.birthdate > cutoff
    if attendee.birthdate > timezone.localdate() or attendee.birthdate.year < 1900:
        errors["birthdate"] = gettext("Please check the birthdate.")
    elif level.age_rule == BadgeLevel.AgeRule.ADULTS_ONLY and is_minor:
        errors["level"] = gettext("%(level)s is for adults only.") % {"level": level.name}
    elif level.age_rule == BadgeLevel.AgeRule.MINORS_ONLY and not is_minor:
        errors["level"] = gettext("%(level)s is for minors only.") % {"level": level.name}
    if is_minor and not (
        attendee.guardian_name.strip()
        and attendee.guardian_contact.strip()
        and attendee.guardian_consent
    ):
        errors["guardian_name"] = gettext("A minor needs a guardian's name, contact and consent.")
    if badge_name_error := _badge_name_error(attendee.badge_name, settings):
        errors["badge_name"] = badge_name_error
    for question in questions:
        answer = attendee.answers.get(question.pk, "").strip()
        if question.is_required and not answer:
            errors[f"question_{question.pk}"] = gettext("This question needs an answer.")
        elif question.kind == Question.Kind.CHOICE and answer and answer not in question.choices:
            errors[f"question_{question.pk}"] = gettext("Please pick one of the choices.")
    if errors:
        raise ValidationError(errors)


def _discount_for(price: Decimal, code: DiscountCode) -> Decimal:
    if code.kind == DiscountCode.Kind.PERCENT:
        return (price * code.amount / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return min(code.amount, price)


def _code_uses_left(code: DiscountCode, now: dt.datetime) -> int | None:
    if code.max_uses is None:
        return None
    used = Registration.objects.filter(
        active_order_q(now=now, prefix="order__"), order__discount_code=code, discount__gt=0
    ).count()
    return max(code.max_uses - used, 0)


def _audit(instance, *, by=None, reason: str = "") -> None:
    """Tell the audit trail who is acting (when not the request's user) and why."""
    if by is not None:
        instance._history_user = by
    if reason:
        instance._change_reason = reason[:100]


def _record_status(
    order: Order, to_status: str, *, by=None, note: str = "", from_status=""
) -> None:
    OrderStatusChange.objects.create(
        order=order, from_status=from_status, to_status=to_status, changed_by=by, note=note
    )


@transaction.atomic
def order_place(
    *,
    event: Event,
    account,
    attendees: list[AttendeeInput],
    provider: str,
    discount_code: str = "",
    now: dt.datetime | None = None,
    waitlist_offer_id: int | None = None,
    submission: str = "",
) -> Order:
    """Place an order for one or more attendees, holding their places.

    Prices, discounts and totals are computed here and frozen on the order; nothing the client
    sends is trusted for money. Either the whole order is written or nothing is (no order, no
    hold, no code use). A free order is paid at once; a card order holds its places for the
    event's hold time; a pay-at-the-door order holds them until it is paid or cancelled.

    ``submission`` is the one-time token of the form sent: the same form sent again by the same
    account returns the order it placed the first time and writes nothing (two sendings at
    once wait for the same levels' locks, so the second finds the first's order).
    """
    now = now or timezone.now()
    if not attendees:
        raise ValidationError({"attendees": gettext("Add at least one attendee.")})
    if provider not in Order.Provider.values:
        raise ValidationError({"provider": gettext("Unknown payment method.")})
    settings = registration_settings(event=event)
    code = _lock_code(event, discount_code, now)
    levels = _lock_levels(event, {a.level_id for a in attendees})
    if submission:
        placed = order_for_submission(account_id=account.pk, submission=submission)
        if placed is not None:
            return placed
    for level in levels.values():
        _check_level_on_sale(level, code, now)
    _check_capacity(
        levels, Counter(a.level_id for a in attendees), now, except_offer_id=waitlist_offer_id
    )
    add_ons = _lock_add_ons(event, Counter(i for a in attendees for i, _ in a.add_ons), now)
    questions = list(Question.objects.filter(event=event))
    cutoff = event.minor_cutoff_date or minor_cutoff_for(event)
    today = _event_today(event, now)
    uses_left = _code_uses_left(code, now) if code else None
    code_levels = set(code.levels.values_list("pk", flat=True)) if code else set()

    priced = []
    for attendee in attendees:
        level = levels[attendee.level_id]
        _check_attendee(attendee, level, cutoff=cutoff, settings=settings, questions=questions)
        price = level_price_on(level=level, day=today)
        if (
            level.age_rule == BadgeLevel.AgeRule.FREE_UNDER
            and level.free_under_age is not None
            and _age_on(attendee.birthdate, event.start_date) < level.free_under_age
        ):
            price = ZERO
        discount = ZERO
        if code and price > 0 and (not code_levels or level.pk in code_levels):
            if uses_left is None or uses_left > 0:
                discount = _discount_for(price, code)
                uses_left = None if uses_left is None else uses_left - 1
        for add_on_id, option in attendee.add_ons:
            add_on = add_ons[add_on_id]
            if add_on.options and option not in add_on.options:
                raise ValidationError(
                    {
                        "add_ons": gettext("Please choose an option for %(add_on)s.")
                        % {"add_on": add_on.name}
                    }
                )
        priced.append((attendee, level, price, discount))
    unlocks_ordered = code and code.unlocks.filter(pk__in=levels).exists()
    if code and not unlocks_ordered and not any(discount for *_, discount in priced):
        raise ValidationError(
            {"discount_code": gettext("This code does not apply to these badges.")}
        )

    add_on_total = sum(
        (add_ons[i].price for attendee in attendees for i, _ in attendee.add_ons), ZERO
    )
    subtotal = sum((price for *_, price, _ in priced), ZERO) + add_on_total
    discount_total = sum((discount for *_, discount in priced), ZERO)
    total = subtotal - discount_total
    if total == 0:
        provider = Order.Provider.FREE
    elif provider == Order.Provider.FREE:
        raise ValidationError({"provider": gettext("This order needs a payment.")})
    order = Order(
        event=event,
        reference=secrets.token_hex(5).upper(),
        account=account,
        provider=provider,
        currency=settings.currency,
        subtotal=subtotal,
        discount_total=discount_total,
        total=total,
        discount_code=code,
        hold_expires_at=(
            now + dt.timedelta(minutes=settings.hold_minutes)
            if provider not in (Order.Provider.DOOR, Order.Provider.FREE)
            else None
        ),
        submission=submission,
    )
    _audit(order, by=account, reason="placed")
    order.save(force_insert=True)
    attendee_joined.send(sender=Order, account_id=account.pk)
    _record_status(order, Order.Status.PENDING, by=account, note="placed")
    for attendee, level, price, discount in priced:
        registration = Registration(
            order=order,
            event=event,
            level=level,
            price=price,
            discount=discount,
            legal_name=attendee.legal_name.strip(),
            badge_name=attendee.badge_name.strip(),
            birthdate=attendee.birthdate,
            email=attendee.email.strip().lower(),
            phone=attendee.phone.strip(),
            emergency_contact=attendee.emergency_contact.strip(),
            guardian_name=attendee.guardian_name.strip(),
            guardian_contact=attendee.guardian_contact.strip(),
            guardian_consent=attendee.guardian_consent,
        )
        _audit(registration, by=account, reason="placed")
        registration.save(force_insert=True)
        RegistrationAddOn.objects.bulk_create(
            RegistrationAddOn(
                registration=registration, add_on=add_ons[i], option=option, price=add_ons[i].price
            )
            for i, option in attendee.add_ons
        )
        Answer.objects.bulk_create(
            Answer(registration=registration, question_id=qid, value=value.strip())
            for qid, value in attendee.answers.items()
            if qid in {q.pk for q in questions}
        )
    if provider == Order.Provider.FREE:
        order = order_mark_paid(order_id=order.pk, amount=ZERO, by=account, note="free")
    return order


def _next_badge_number(event: Event, kind: str) -> int:
    badge_range = BadgeNumberRange.objects.filter(event=event, kind=kind).first()
    first = badge_range.first_number if badge_range else 1
    BadgeNumberCounter.objects.bulk_create(
        [BadgeNumberCounter(event=event, kind=kind, next_number=first)], ignore_conflicts=True
    )
    counter = BadgeNumberCounter.objects.select_for_update().get(event=event, kind=kind)
    number = max(counter.next_number, first)
    if badge_range and badge_range.last_number is not None and number > badge_range.last_number:
        raise ValidationError(f"The {kind} badge numbers ({badge_range}) are used up.")
    counter.next_number = number + 1
    counter.save(update_fields=["next_number"])
    return number


def _assign_badge_numbers(order: Order, *, by=None, reason: str = "") -> None:
    for registration in order.registrations.select_related("level").order_by("pk"):
        registration.badge_number = _next_badge_number(order.event, registration.level.badge_kind)
        _audit(registration, by=by, reason=reason)
        registration.save(update_fields=["badge_number"])


def _order_matches_ban_list(order: Order) -> bool:
    return any(
        ban_matches(legal_name=r.legal_name, email=r.email, birthdate=r.birthdate)
        for r in order.registrations.all()
    )


@transaction.atomic
def order_mark_paid(*, order_id: int, amount: Decimal, by=None, note: str = "") -> Order:
    """Record full payment: badge numbers are assigned and the confirmation is queued.

    If anyone in the order matches the ban list, the order is *held for review* instead: the
    money is taken and the places stay held, but there are no badge numbers and no check-in
    code until the registration lead approves it (``order_review_approve``) or refunds it; the
    buyer is told by mail.

    Idempotent: paying a paid order again changes nothing. A payment for an order that expired
    or was cancelled raises PaymentConflictError for the caller to refund or flag — never ignored.
    """
    # The event comes along (badge numbers need it); only the order's row is locked.
    order = Order.objects.select_for_update(of=("self",)).select_related("event").get(pk=order_id)
    if order.status in (Order.Status.PAID, Order.Status.HELD):
        return order
    if order.status != Order.Status.PENDING:
        raise PaymentConflictError(f"Order {order.reference} is {order.status}; it cannot be paid.")
    if amount != order.total:
        raise ValidationError(f"Payment of {amount} does not match the total {order.total}.")
    reason = f"paid: {note}" if note else "paid"
    upgrade = Upgrade.objects.select_related("to_level").filter(order=order).first()
    if upgrade is not None:
        _apply_upgrade(upgrade, by=by)
    held = upgrade is None and _order_matches_ban_list(order)
    if not held:
        _assign_badge_numbers(order, by=by, reason=reason)
    order.status = Order.Status.HELD if held else Order.Status.PAID
    order.paid_at = timezone.now()
    order.hold_expires_at = None
    _audit(order, by=by, reason=reason + (", held for review" if held else ""))
    order.save(update_fields=["status", "paid_at", "hold_expires_at"])
    _record_status(order, order.status, from_status=Order.Status.PENDING, by=by, note=note)
    order_id = order.pk
    if held:
        queue_after_commit("register.send_review_notice", order_id)
    else:
        queue_after_commit("register.send_order_confirmation", order_id)
    return order


@transaction.atomic
def order_review_approve(*, order_id: int, by=None) -> Order:
    """The registration lead lets an order held for review through: badge numbers are assigned
    and the confirmation is queued, as for any paid order."""
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.status != Order.Status.HELD:
        raise ValidationError(f"Order {order.reference} is not held for review.")
    _assign_badge_numbers(order, by=by, reason="approved after review")
    order.status = Order.Status.PAID
    _audit(order, by=by, reason="approved after review")
    order.save(update_fields=["status"])
    _record_status(order, order.status, from_status=Order.Status.HELD, by=by, note="approved")
    queue_after_commit("register.send_order_confirmation", order_id)
    return order


def order_send_review_notice(*, order_id: int) -> int:
    """Tell the buyer their paid order is being reviewed (without saying why)."""
    order = Order.objects.select_related("event", "account").get(pk=order_id)
    if order.status != Order.Status.HELD:
        return 0
    context = {"order": order, "event": order.event}
    return EmailMultiAlternatives(
        subject=gettext("Your %(event)s registration is being reviewed")
        % {"event": order.event.name},
        body=render_to_string("register/email/review.txt", context),
        to=[order.account.email],
    ).send()


def qr_svg(token: str) -> str:
    """The check-in QR code as inline SVG, for pages and mails alike."""
    return segno.make(token, error="m").svg_inline(scale=4, title="Check-in code")


def qr_png(token: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(token, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def _send_badge_mail(order: Order, registration: Registration) -> int:
    context = {"order": order, "registration": registration, "event": order.event}
    message = EmailMultiAlternatives(
        subject=gettext("Your %(event)s badge: %(level)s #%(number)s")
        % {
            "event": order.event.name,
            "level": registration.level.name,
            "number": registration.badge_number,
        },
        body=render_to_string("register/email/confirmation.txt", context),
        to=[registration.email],
    )
    message.attach_alternative(
        render_to_string(
            "register/email/confirmation.html",
            context | {"qr_svg": qr_svg(registration.checkin_token)},
        ),
        "text/html",
    )
    message.attach(
        f"badge-{registration.badge_number}.png",
        qr_png(registration.checkin_token),
        "image/png",
    )
    return message.send()


def order_send_confirmation(*, order_id: int) -> int:
    """Email every attendee of a paid order: level, badge number and the check-in QR code.
    Group badges not yet assigned get none (their holder gets it on accepting)."""
    order = Order.objects.select_related("event").get(pk=order_id)
    if order.status != Order.Status.PAID:
        return 0
    registrations = order.registrations.filter(needs_holder=False).select_related("level")
    return sum(_send_badge_mail(order, registration) for registration in registrations)


def registration_send_confirmation(*, registration_id: int) -> int:
    """Email one badge (after a transfer or group assignment) to its holder, with its new code."""
    registration = Registration.objects.select_related("order__event", "level").get(
        pk=registration_id
    )
    if registration.order.status != Order.Status.PAID or registration.needs_holder:
        return 0
    return _send_badge_mail(registration.order, registration)


def order_set_provider_reference(*, order: Order, reference: str) -> Order:
    order.provider_reference = reference
    order.save(update_fields=["provider_reference"])
    return order


@transaction.atomic
def stripe_event_handle(*, event_id: str, event_type: str, data: dict) -> str:
    """Apply one verified Stripe webhook event, once. Returns what happened.

    A completed Checkout pays its order. A payment for an order that expired or was cancelled
    is refunded through Stripe and recorded on the order — never dropped. If the refund call
    fails, the whole event is rolled back so Stripe delivers it again.
    """
    from register.payments import stripe_client

    marker, created = StripeEvent.objects.get_or_create(
        event_id=event_id, defaults={"type": event_type, "outcome": "received"}
    )
    if not created:
        return "duplicate"
    outcome = "ignored"
    metadata = data.get("metadata") or {}
    is_paid_checkout = (
        event_type == "checkout.session.completed" and data.get("payment_status") == "paid"
    )
    if is_paid_checkout and metadata.get("schema") == current_schema():
        order = Order.objects.filter(reference=data.get("client_reference_id")).first()
        amount = Decimal(data.get("amount_total") or 0) / 100
        if order is None:
            outcome = "unknown order"
        else:
            try:
                order_mark_paid(order_id=order.pk, amount=amount, note=f"stripe {data.get('id')}")
                order_set_provider_reference(order=order, reference=data["payment_intent"])
                outcome = "paid"
            except PaymentConflictError:
                stripe_client().v1.refunds.create(
                    params={"payment_intent": data["payment_intent"]},
                    options={"idempotency_key": f"late-{event_id}"},
                )
                note = f"late Stripe payment {amount} refunded"
                _record_status(order, order.status, from_status=order.status, note=note)
                outcome = "late payment refunded"
            except ValidationError:
                note = f"Stripe paid {amount}, expected {order.total}: check"
                _record_status(order, order.status, from_status=order.status, note=note)
                outcome = "flagged: amount mismatch"
    marker.outcome = outcome
    marker.save(update_fields=["outcome"])
    return outcome


@transaction.atomic
def order_refund(*, order_id: int, amount: Decimal, by=None, note: str = "") -> Order:
    """Refund part or all of a paid order. In full, the order is refunded and its places free
    again; badge numbers stay taken (never reused). The amount can never exceed what was paid.
    """
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.status not in (Order.Status.PAID, Order.Status.HELD):
        raise ValidationError(f"Order {order.reference} is {order.get_status_display().lower()}.")
    from_status = order.status
    refundable = order.total - order.refunded_total
    if amount <= 0 or amount > refundable:
        raise ValidationError(f"Refund between 0.01 and {refundable} {order.currency}.")
    if order.provider == Order.Provider.STRIPE:
        from register.payments import stripe_client

        # Money goes back first; if Stripe refuses, nothing here changes.
        stripe_client().v1.refunds.create(
            params={"payment_intent": order.provider_reference, "amount": int(amount * 100)},
            options={"idempotency_key": f"refund-{order.reference}-{order.refunded_total}"},
        )
    order.refunded_total += amount
    fields = ["refunded_total"]
    if order.refunded_total == order.total:
        order.status = Order.Status.REFUNDED
        fields.append("status")
    _audit(order, by=by, reason=f"refunded {amount}" + (f": {note}" if note else ""))
    order.save(update_fields=fields)
    if order.status == Order.Status.REFUNDED:
        waitlist_queue_processing()
    _record_status(
        order,
        order.status,
        from_status=from_status,
        by=by,
        note=f"refunded {amount} {order.currency}" + (f": {note}" if note else ""),
    )
    return order


@transaction.atomic
def order_cancel_by_attendee(*, order_id: int, account, now: dt.datetime | None = None) -> Order:
    """The buyer cancels their own order within the organizer's window (``self_cancel_until``,
    in the event's time zone): an unpaid order is cancelled, a paid one (or one held for
    review) refunded in full through the provider it was paid with (``order_refund``). Either
    way its places are free again at once. Not once a badge of the order was handed to someone
    else, nor for a paid upgrade (the team refunds those in the admin)."""
    order = Order.objects.select_for_update().select_related("event").get(pk=order_id)
    today = _event_today(order.event, now or timezone.now())
    refusal = self_cancel_refusal(order=order, account_id=account.pk, today=today)
    if refusal is not None:
        raise ValidationError(refusal)
    if order.status == Order.Status.PENDING:
        return order_cancel(order_id=order.pk, by=account, note="by the attendee")
    refundable = order.total - order.refunded_total
    if refundable > 0:
        return order_refund(
            order_id=order.pk, amount=refundable, by=account, note="cancelled by the attendee"
        )
    from_status = order.status
    order.status = Order.Status.CANCELLED
    _audit(order, by=account, reason="cancelled by the attendee")
    order.save(update_fields=["status"])
    waitlist_queue_processing()
    _record_status(order, order.status, from_status=from_status, by=account, note="by the attendee")
    return order


@transaction.atomic
def order_cancel(*, order_id: int, by=None, note: str = "") -> Order:
    """Cancel an unpaid order (card or door): its places are free at once."""
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.status != Order.Status.PENDING:
        raise ValidationError(f"Only unpaid orders can be cancelled; {order.reference} is not.")
    order.status = Order.Status.CANCELLED
    _audit(order, by=by, reason=f"cancelled: {note}" if note else "cancelled")
    order.save(update_fields=["status"])
    waitlist_queue_processing()
    _record_status(
        order, Order.Status.CANCELLED, from_status=Order.Status.PENDING, by=by, note=note
    )
    return order


def order_resend_confirmation(*, order: Order) -> None:
    """Queue the confirmation mails of a paid order again (after commit)."""
    if order.status != Order.Status.PAID:
        raise ValidationError(f"Order {order.reference} is not paid.")
    order_id = order.pk
    queue_after_commit("register.send_order_confirmation", order_id)


@transaction.atomic
def orders_release_expired_holds(*, now: dt.datetime | None = None) -> int:
    """Expire pending orders whose hold ran out (their places are free again). Returns how many."""
    now = now or timezone.now()
    expired = list(
        Order.objects.select_for_update(skip_locked=True).filter(
            status=Order.Status.PENDING, hold_expires_at__lte=now
        )
    )
    for order in expired:
        order.status = Order.Status.EXPIRED
        _audit(order, reason="hold expired")
        order.save(update_fields=["status"])
        _record_status(order, Order.Status.EXPIRED, from_status=Order.Status.PENDING, note="hold")
    if expired:
        waitlist_queue_processing()
    return len(expired)


@transaction.atomic
def registration_change_badge_name(
    *, registration: Registration, badge_name: str, today: dt.date | None = None
) -> Registration:
    """An attendee renames their badge, until the organizer's cut-off day (inclusive)."""
    today = today or timezone.localdate()
    if badge_name_edit_deadline(event=registration.event, today=today) is None:
        raise ValidationError({"badge_name": gettext("Badge names can no longer be changed.")})
    if error := _badge_name_error(badge_name, registration_settings(event=registration.event)):
        raise ValidationError({"badge_name": error})
    registration.badge_name = badge_name.strip()
    registration.save(update_fields=["badge_name"])
    return registration


CODE_FAILURE_LIMIT = 10
CODE_FAILURE_WINDOW = dt.timedelta(minutes=15)


def _code_failure_keys(*, account_id: int, client_ip: str) -> list[str]:
    return [
        f"register:code-failures:account:{account_id}",
        f"register:code-failures:ip:{client_ip}",
    ]


def discount_code_attempts_left(*, account_id: int, client_ip: str) -> bool:
    """False once this account or address guessed wrong codes too often (codes cannot be
    enumerated). Counted per tenant: cache keys carry the schema."""
    counts = cache.get_many(_code_failure_keys(account_id=account_id, client_ip=client_ip))
    return all(count < CODE_FAILURE_LIMIT for count in counts.values())


def discount_code_failure_record(*, account_id: int, client_ip: str) -> None:
    for key in _code_failure_keys(account_id=account_id, client_ip=client_ip):
        cache.add(key, 0, timeout=int(CODE_FAILURE_WINDOW.total_seconds()))
        cache.incr(key)


TRANSFER_LINK_VALID = dt.timedelta(days=7)


@transaction.atomic
def transfer_offer(
    *, registration_id: int, by, email: str, now: dt.datetime | None = None
) -> Transfer:
    """The holder of a paid badge offers it to someone by email — a transfer (when the organizer
    allows them) or, for an unassigned group badge, its assignment (always). A link with a
    random secret is mailed after commit (valid for 7 days; the transfer deadline is checked
    again on acceptance); an earlier open offer of the same badge is withdrawn. Nothing changes
    until the recipient accepts."""
    now = now or timezone.now()
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("order", "event")
        .filter(held_by_q(account_id=by.pk))
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or registration.order.status != Order.Status.PAID:
        raise ValidationError(gettext("Only a paid badge you hold can be transferred."))
    today = _event_today(registration.event, now)
    kind = Transfer.Kind.ASSIGNMENT if registration.needs_holder else Transfer.Kind.TRANSFER
    closed = transfer_deadline(event=registration.event, today=today) is None
    if kind == Transfer.Kind.TRANSFER and closed:
        raise ValidationError(gettext("Badges cannot be transferred (any more) for this event."))
    email = email.strip().lower()
    if not email:
        raise ValidationError(
            {"email": gettext("Whom to transfer the badge to: their email, please.")}
        )
    Transfer.objects.filter(
        registration=registration, accepted_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=now)
    token = secrets.token_urlsafe(32)
    transfer = Transfer(
        registration=registration,
        kind=kind,
        email=email,
        token_hash=secret_hash(token),
        offered_by=by,
        expires_at=now + TRANSFER_LINK_VALID,
    )
    _audit(transfer, by=by, reason="offered")
    transfer.save(force_insert=True)
    link = site_link(reverse("register:transfer-accept", kwargs={"token": token}))
    transfer_id = transfer.pk
    queue_after_commit("register.send_transfer_offer", transfer_id, link)
    return transfer


def transfer_send_offer(*, transfer_id: int, link: str) -> int:
    """Mail the recipient of an open transfer its link."""
    transfer = Transfer.objects.select_related("registration__level", "registration__event").get(
        pk=transfer_id
    )
    if transfer.accepted_at or transfer.withdrawn_at:
        return 0
    context = {"transfer": transfer, "event": transfer.registration.event, "link": link}
    return EmailMultiAlternatives(
        subject=gettext("A %(event)s badge for you") % {"event": transfer.registration.event.name},
        body=render_to_string("register/email/transfer.txt", context),
        to=[transfer.email],
    ).send()


@transaction.atomic
def transfer_accept(
    *, token: str, account, person: PersonInput, now: dt.datetime | None = None
) -> Registration:
    """The recipient takes the badge over with their own details. The level's age rules, the
    guardian rule and the ban list apply as to a new registration (a refusal changes nothing).
    At that moment the old check-in code stops working: a new token is issued, and the badge
    moves to the recipient's account."""
    now = now or timezone.now()
    found = transfer_by_token(token=token, now=now)
    if found is None:
        raise ValidationError(gettext("This transfer link is not valid (any more)."))
    transfer = Transfer.objects.select_for_update().get(pk=found.pk)
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("level", "event", "order")
        .get(pk=transfer.registration_id)
    )
    if transfer.accepted_at or transfer.withdrawn_at or registration.order.status != "paid":
        raise ValidationError(gettext("This transfer link is not valid (any more)."))
    event, level = registration.event, registration.level
    if (
        transfer.kind == Transfer.Kind.TRANSFER
        and transfer_deadline(event=event, today=_event_today(event, now)) is None
    ):
        raise ValidationError(gettext("Badges cannot be transferred (any more) for this event."))
    attendee = AttendeeInput(level_id=level.pk, **person.__dict__)
    cutoff = event.minor_cutoff_date or minor_cutoff_for(event)
    _check_attendee(
        attendee, level, cutoff=cutoff, settings=registration_settings(event=event), questions=[]
    )
    if (
        level.age_rule == BadgeLevel.AgeRule.FREE_UNDER
        and registration.price == ZERO
        and level.free_under_age is not None
        and _age_on(person.birthdate, event.start_date) >= level.free_under_age
    ):
        raise ValidationError(
            {
                "level": gettext("This free %(level)s badge is for children only.")
                % {"level": level.name}
            }
        )
    if ban_matches(legal_name=person.legal_name, email=person.email, birthdate=person.birthdate):
        raise ValidationError(
            gettext("This transfer cannot be completed; please contact the registration team.")
        )
    for name, value in person.__dict__.items():
        setattr(registration, name, value.strip() if isinstance(value, str) else value)
    registration.email = registration.email.lower()
    registration.checkin_token = new_checkin_token()
    registration.holder = account
    registration.needs_holder = False
    _audit(registration, by=account, reason=f"{transfer.kind} to {account.email}")
    registration.save(update_fields=[*person.__dict__, "checkin_token", "holder", "needs_holder"])
    attendee_joined.send(sender=Registration, account_id=account.pk)
    registration_id = registration.pk
    queue_after_commit("register.send_registration_confirmation", registration_id)
    transfer.accepted_at, transfer.accepted_by = now, account
    _audit(transfer, by=account, reason="accepted")
    transfer.save(update_fields=["accepted_at", "accepted_by"])
    _record_status(
        registration.order,
        registration.order.status,
        from_status=registration.order.status,
        by=account,
        note=f"badge #{registration.badge_number}: {transfer.kind} accepted",
    )
    return registration


@transaction.atomic
def registration_upgrade(
    *, registration_id: int, account, level_id: int, provider: str, now: dt.datetime | None = None
) -> Order:
    """Move a paid badge to a higher level, paying only the difference between today's price of
    the new level and what was paid for the badge. The difference is an order of its own, paid
    like any order; the new level's place is taken under the same row locks as a purchase
    (levels locked by id) and held while that order is pending. When it is paid the badge
    changes level (``order_mark_paid`` → ``_apply_upgrade``); until then nothing changes."""
    now = now or timezone.now()
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("order", "event", "level")
        .filter(held_by_q(account_id=account.pk), pk=registration_id)
        .first()
    )
    if registration is None or registration.order.status != Order.Status.PAID:
        raise ValidationError(gettext("Only a paid badge you hold can be upgraded."))
    event = registration.event
    levels = _lock_levels(event, {registration.level_id, level_id})
    target = levels[level_id]
    _check_level_on_sale(target, None, now)
    if Upgrade.objects.filter(
        active_order_q(now=now, prefix="order__"),
        registration=registration,
        applied_at__isnull=True,
    ).exists():
        raise ValidationError(gettext("This badge already has an upgrade waiting for payment."))
    target_price = level_price_on(level=target, day=_event_today(event, now))
    difference = target_price - (registration.price - registration.discount)
    if target.pk == registration.level_id or difference <= 0:
        raise ValidationError({"level": gettext("Please choose a higher level than your badge's.")})
    person = AttendeeInput(
        level_id=target.pk,
        legal_name=registration.legal_name,
        badge_name=registration.badge_name,
        birthdate=registration.birthdate,
        email=registration.email,
        phone=registration.phone,
        emergency_contact=registration.emergency_contact,
        guardian_name=registration.guardian_name,
        guardian_contact=registration.guardian_contact,
        guardian_consent=registration.guardian_consent,
    )
    cutoff = event.minor_cutoff_date or minor_cutoff_for(event)
    settings = registration_settings(event=event)
    _check_attendee(person, target, cutoff=cutoff, settings=settings, questions=[])
    _check_capacity({target.pk: target}, Counter({target.pk: 1}), now)
    if provider == Order.Provider.FREE:
        raise ValidationError({"provider": gettext("This upgrade needs a payment.")})
    order = Order(
        event=event,
        reference=secrets.token_hex(5).upper(),
        account=account,
        provider=provider,
        currency=settings.currency,
        subtotal=difference,
        discount_total=ZERO,
        total=difference,
        hold_expires_at=(
            now + dt.timedelta(minutes=settings.hold_minutes)
            if provider != Order.Provider.DOOR
            else None
        ),
    )
    _audit(order, by=account, reason=f"upgrade to {target.name}")
    order.save(force_insert=True)
    Upgrade.objects.create(
        order=order,
        registration=registration,
        from_level=registration.level,
        to_level=target,
        difference=difference,
    )
    _record_status(order, Order.Status.PENDING, by=account, note=f"upgrade to {target.name}")
    return order


def _apply_upgrade(upgrade: Upgrade, *, by=None) -> None:
    registration = Registration.objects.select_for_update(of=("self",)).get(
        pk=upgrade.registration_id
    )
    registration.level_id = upgrade.to_level_id
    registration.price += upgrade.difference
    _audit(registration, by=by, reason=f"upgraded to {upgrade.to_level.name}")
    registration.save(update_fields=["level", "price"])
    upgrade.applied_at = timezone.now()
    upgrade.save(update_fields=["applied_at"])


def waitlist_queue_processing() -> None:
    """After commit, offer freed places to the waiting lists (capacity raised, places freed)."""
    queue_after_commit("register.process_waitlists")


@transaction.atomic
def waitlist_join(
    *, event: Event, level_id: int, account, now: dt.datetime | None = None
) -> WaitlistEntry:
    """Put the account on a sold-out level's waiting list (once: joining again returns the
    entry it already has)."""
    now = now or timezone.now()
    levels = _lock_levels(event, {level_id})
    level = levels[level_id]
    existing = WaitlistEntry.objects.filter(
        level=level,
        account_id=account.pk,
        status__in=[WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED],
    ).first()
    if existing is not None:
        return existing
    left = _places_left(level, now)
    if left is None or left > 0:
        raise ValidationError(
            {
                "level": gettext("%(level)s is not sold out: you can register now.")
                % {"level": level.name}
            }
        )
    entry = WaitlistEntry(level=level, account_id=account.pk, email=account.email)
    entry.save(force_insert=True)
    return entry


def _places_left(level: BadgeLevel, now: dt.datetime) -> int | None:
    if level.capacity is None:
        return None
    return max(level.capacity - places_taken(level_ids=[level.pk], now=now)[level.pk], 0)


@transaction.atomic
def waitlist_process(*, now: dt.datetime | None = None) -> int:
    """Expire offers that ran out, then offer every free place to the next person waiting for
    its level, in the order they joined: a personal link (random secret, stored hashed) valid
    for the organizer's ``waitlist_offer_hours``, mailed after commit. An offer reserves its
    place until it is used or expires. Returns how many offers were sent."""
    now = now or timezone.now()
    WaitlistEntry.objects.filter(
        status=WaitlistEntry.Status.OFFERED, offer_expires_at__lte=now
    ).update(status=WaitlistEntry.Status.EXPIRED)
    waiting_levels = set(
        WaitlistEntry.objects.filter(status=WaitlistEntry.Status.WAITING).values_list(
            "level", flat=True
        )
    )
    sent = 0
    for level in (
        BadgeLevel.objects.select_for_update().filter(pk__in=waiting_levels).order_by("pk")
    ):
        hours = registration_settings(event=level.event).waitlist_offer_hours
        left = _places_left(level, now)
        queue = WaitlistEntry.objects.filter(level=level, status=WaitlistEntry.Status.WAITING)
        for entry in queue.order_by("created_at", "pk")[: left if left is not None else None]:
            token = secrets.token_urlsafe(32)
            entry.status = WaitlistEntry.Status.OFFERED
            entry.offer_token_hash = secret_hash(token)
            entry.offered_at = now
            entry.offer_expires_at = now + dt.timedelta(hours=hours)
            entry.save(
                update_fields=["status", "offer_token_hash", "offered_at", "offer_expires_at"]
            )
            link = site_link(reverse("register:waitlist-offer", kwargs={"token": token}))
            queue_after_commit("register.send_waitlist_offer", entry.pk, link)
            sent += 1
    return sent


def waitlist_send_offer(*, entry_id: int, link: str) -> int:
    """Mail one waiting person their offer link."""
    entry = WaitlistEntry.objects.select_related("level__event").get(pk=entry_id)
    if entry.status != WaitlistEntry.Status.OFFERED:
        return 0
    context = {"entry": entry, "event": entry.level.event, "link": link}
    return EmailMultiAlternatives(
        subject=gettext("A %(level)s place for %(event)s is yours to take")
        % {"level": entry.level.name, "event": entry.level.event.name},
        body=render_to_string("register/email/waitlist_offer.txt", context),
        to=[entry.email],
    ).send()


OFFER_FOR_ANOTHER_ACCOUNT = gettext_lazy(
    "This offer is for another account; log in with the one it was sent to."
)


@transaction.atomic
def waitlist_offer_redeem(
    *, token: str, account, attendee: AttendeeInput, provider: str, now: dt.datetime | None = None
) -> Order:
    """Use a waiting-list offer: an order for its level is placed with the place the offer
    reserved (``order_place`` with the offer left out of the count), and the offer is spent."""
    now = now or timezone.now()
    found = waitlist_offer_by_token(token=token, now=now)
    if found is None:
        raise ValidationError(gettext("This offer is not valid (any more)."))
    if found.account_id != account.pk:
        raise ValidationError(OFFER_FOR_ANOTHER_ACCOUNT)
    if attendee.level_id != found.level_id:
        raise ValidationError({"level": gettext("This offer is for another level.")})
    _lock_levels(found.level.event, {found.level_id})  # the same lock order as a purchase
    entry = WaitlistEntry.objects.select_for_update().get(pk=found.pk)
    expires = entry.offer_expires_at
    if entry.status != WaitlistEntry.Status.OFFERED or expires is None or expires <= now:
        raise ValidationError(gettext("This offer is not valid (any more)."))
    order = order_place(
        event=found.level.event,
        account=account,
        attendees=[attendee],
        provider=provider,
        now=now,
        waitlist_offer_id=entry.pk,
    )
    entry.status, entry.order = WaitlistEntry.Status.USED, order
    entry.save(update_fields=["status", "order"])
    return order


GROUP_SIZE = range(2, 21)


@transaction.atomic
def group_order_place(
    *,
    event: Event,
    account,
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
    order = order_place(
        event=event, account=account, attendees=[leader] * quantity, provider=provider, now=now
    )
    order.registrations.update(needs_holder=True)
    return order


ANONYMIZED = "Anonymized"


def _anonymize(registrations: QuerySet[Registration], *, by=None, reason: str) -> int:
    """Replace the personal details of these registrations; level, prices, order, dates and the
    year of birth stay (moved no further than keeps a minor a minor, so the age bands of the
    reports hold), and so counts and revenue do not change. Their earlier audit records, which
    hold the old details, are deleted."""
    count = 0
    cutoffs: dict[int, dt.date] = {}
    for registration in (
        registrations.select_for_update(of=("self",)).select_related("event").order_by("pk")
    ):
        event = registration.event
        if event.pk not in cutoffs:
            cutoffs[event.pk] = event.minor_cutoff_date or minor_cutoff_for(event)
        cutoff = cutoffs[event.pk]
        born = registration.birthdate
        registration.history.all().delete()
        registration.legal_name = ANONYMIZED
        registration.badge_name = ANONYMIZED
        registration.birthdate = dt.date(born.year, 1, 1)
        if born > cutoff >= registration.birthdate:  # a minor stays a minor
            registration.birthdate = cutoff + dt.timedelta(days=1)
        registration.email = f"anonymized-{registration.pk}@invalid"
        registration.phone = registration.emergency_contact = ""
        registration.guardian_name = registration.guardian_contact = ""
        registration.anonymized_at = timezone.now()
        _audit(registration, by=by, reason=reason)
        registration.save(
            update_fields=[
                "legal_name",
                "badge_name",
                "birthdate",
                "email",
                "phone",
                "emergency_contact",
                "guardian_name",
                "guardian_contact",
                "anonymized_at",
            ]
        )
        Answer.objects.filter(registration=registration).update(value="")
        Transfer.objects.filter(registration=registration).update(email="anonymized@invalid")
        Transfer.history.filter(registration_id=registration.pk).delete()
        count += 1
    return count


@transaction.atomic
def person_anonymize(*, account) -> int:
    """A person asks this convention to delete their data: their badges here (held, bought for
    themselves, or carrying their email) are anonymized and they leave its waiting lists (a
    place an open offer reserved for them is offered to the next in line). Orders keep their
    amounts for the books. Other conventions are not touched: each keeps its data in its own
    schema. Returns how many badges were anonymized."""
    mine = Registration.objects.filter(
        about_person_q(account_id=account.pk, proven_email=account.proven_email),
        anonymized_at__isnull=True,
    )
    entries = WaitlistEntry.objects.filter(account_id=account.pk)
    held_an_offer = entries.filter(status=WaitlistEntry.Status.OFFERED).exists()
    entries.update(email="anonymized@invalid", status=WaitlistEntry.Status.LEFT)
    if held_an_offer:
        waitlist_queue_processing()  # the place their offer reserved goes to the next in line
    return _anonymize(mine, by=account, reason="anonymized at the person's request")


@transaction.atomic
def registrations_anonymize_after_event(*, days: int, today: dt.date | None = None) -> int:
    """Anonymize the registrations of events that ended more than ``days`` days ago (counts and
    revenue stay identical for reports). Returns how many were anonymized."""
    if days < 0:
        raise ValidationError("The number of days cannot be negative.")
    today = today or timezone.localdate()
    old = Registration.objects.filter(
        event__end_date__lt=today - dt.timedelta(days=days), anonymized_at__isnull=True
    )
    return _anonymize(old, reason=f"anonymized {days} days after the event")


@transaction.atomic
def registrations_anonymize(*, registration_ids: list[int], by=None) -> int:
    """The organizer anonymizes chosen registrations (e.g. after the event); counts and revenue
    stay identical for reports. Returns how many were anonymized."""
    chosen = Registration.objects.filter(pk__in=registration_ids, anonymized_at__isnull=True)
    return _anonymize(chosen, by=by, reason="anonymized by the organizer")
