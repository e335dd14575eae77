"""Upgrades: a paid badge moves to a higher level, paying the difference as an order of its own."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from register.models import BadgeLevel, Order, Registration, Upgrade
from register.selectors import active_order_q, held_by_q, level_price_on
from register.services.audit import audit, record_status
from register.services.badge_numbers import take_badge_numbers
from register.services.capacity import check_capacity, check_on_sale, lock_levels
from register.services.inputs import ZERO, AttendeeInput
from register.services.purchase import hold_until, new_order_reference
from register.services.rules import AttendeeRules
from tenant.due import work_due
from tenant.models import User


@transaction.atomic
def registration_upgrade(
    *,
    registration_id: int,
    account: User,
    level_id: int,
    provider: str,
    now: dt.datetime | None = None,
) -> Order:
    """Move a paid badge to a higher level, paying only the difference between today's price of
    the new level and what was paid for the badge. The difference is an order of its own, paid
    like any order; the new level's place is taken under the same row locks as a purchase
    (levels locked by id) and held while that order is pending. When it is paid the badge
    changes level (``order_mark_paid`` → ``apply_upgrade``); until then nothing changes."""
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
    levels = lock_levels(event=event, ids={registration.level_id, level_id}, with_price_tiers=True)
    target = levels[level_id]
    check_on_sale([target], now=now)
    if Upgrade.objects.filter(
        active_order_q(now=now, prefix="order__"),
        registration=registration,
        applied_at__isnull=True,
    ).exists():
        raise ValidationError(gettext("This badge already has an upgrade waiting for payment."))
    rules = AttendeeRules.of(event, now=now)
    difference = level_price_on(level=target, day=rules.today) - (
        registration.price - registration.discount
    )
    if target.pk == registration.level_id or difference <= 0:
        raise ValidationError({"level": gettext("Please choose a higher level than your badge's.")})
    rules.check(_as_person(registration, level_id=target.pk), target)
    check_capacity({target.pk: target}, Counter({target.pk: 1}), now=now)
    if provider == Order.Provider.FREE:
        raise ValidationError({"provider": gettext("This upgrade needs a payment.")})
    order = Order(
        event=event,
        reference=new_order_reference(),
        account=account,
        provider=provider,
        currency=rules.settings.currency,
        subtotal=difference,
        discount_total=ZERO,
        total=difference,
        hold_expires_at=hold_until(
            provider=provider, hold_minutes=rules.settings.hold_minutes, now=now
        ),
    )
    audit(order, by=account, reason=f"upgrade to {target.name}")
    order.save(force_insert=True)
    if order.hold_expires_at:
        work_due("register.release_expired_holds", order.hold_expires_at)
    Upgrade.objects.create(
        order=order,
        registration=registration,
        from_level=registration.level,
        to_level=target,
        difference=difference,
    )
    record_status(order, Order.Status.PENDING, by=account, note=f"upgrade to {target.name}")
    return order


def _as_person(registration: Registration, *, level_id: int) -> AttendeeInput:
    return AttendeeInput(
        level_id=level_id,
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


def apply_upgrade(upgrade: Upgrade, *, by: User | None = None) -> None:
    """Its order is paid: the badge changes level (its check-in code stays), and the price paid
    for it grows by the difference. A level of another badge kind (an attendee becoming a
    sponsor) gives the badge a number from that kind's range, as the printed badge shows it;
    otherwise the number stays. Audited; the upgrade's order confirmation mails the badge."""
    _move(upgrade, to=upgrade.to_level, price_change=upgrade.difference, by=by)
    upgrade.applied_at = timezone.now()
    upgrade.save(update_fields=["applied_at"])


def undo_upgrade(upgrade: Upgrade, *, by: User | None = None) -> None:
    """Its order was refunded in full: the badge goes back to the level it had, at the price it
    had (a number of the old kind again when the kinds differ; numbers are never reused), and
    the upgrade no longer counts. Nothing happens to an upgrade not applied."""
    if upgrade.applied_at is None:
        return
    _move(upgrade, to=upgrade.from_level, price_change=-upgrade.difference, by=by)
    upgrade.applied_at = None
    upgrade.save(update_fields=["applied_at"])


def _move(upgrade: Upgrade, *, to: BadgeLevel, price_change: Decimal, by: User | None) -> None:
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("level", "event")
        .get(pk=upgrade.registration_id)
    )
    fields = ["level", "price"]
    if registration.badge_number is not None and registration.level.badge_kind != to.badge_kind:
        numbers = take_badge_numbers(event=registration.event, kinds=[to.badge_kind])
        registration.badge_number = next(numbers[to.badge_kind])
        fields.append("badge_number")
    registration.level = to
    registration.price += price_change
    verb = "upgraded to" if to.pk == upgrade.to_level_id else "upgrade refunded, back to"
    audit(registration, by=by, reason=f"{verb} {to.name}")
    registration.save(update_fields=fields)
