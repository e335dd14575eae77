"""Handing a paid badge to another person: a transfer (when the organizer allows it) or the
assignment of a group badge. The recipient accepts with their own details, under the same
rules as a new registration."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from event.current import event_link
from event.selectors import event_today
from register.models import (
    BadgeLevel,
    Order,
    Registration,
    Transfer,
    checkin_token_hash,
    new_checkin_token,
)
from register.selectors import (
    ban_matches,
    held_by_q,
    secret_hash,
    transfer_by_token,
    transfer_deadline,
)
from register.services.audit import audit, record_status
from register.services.inputs import PERSON_FIELDS, ZERO, PersonInput
from register.services.rules import AttendeeRules, free_for_age
from tenant.models import User
from tenant.signals import attendee_joined
from tenant.tasks import queue_after_commit

TRANSFER_LINK_VALID = dt.timedelta(days=7)


@transaction.atomic
def transfer_offer(
    *, registration_id: int, by: User, email: str, now: dt.datetime | None = None
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
    today = event_today(registration.event, now)
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
    audit(transfer, by=by, reason="offered")
    transfer.save(force_insert=True)
    link = event_link(registration.event, "register:transfer-accept", kwargs={"token": token})
    transfer_id = transfer.pk
    queue_after_commit("register.send_transfer_offer", transfer_id, link)
    return transfer


@transaction.atomic
def transfer_accept(
    *, token: str, account: User, person: PersonInput, now: dt.datetime | None = None
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
    if (
        transfer.accepted_at
        or transfer.withdrawn_at
        or registration.order.status != Order.Status.PAID
    ):
        raise ValidationError(gettext("This transfer link is not valid (any more)."))
    event, level = registration.event, registration.level
    rules = AttendeeRules.of(event, now=now)
    if transfer.kind == Transfer.Kind.TRANSFER and (
        transfer_deadline(event=event, today=rules.today) is None
    ):
        raise ValidationError(gettext("Badges cannot be transferred (any more) for this event."))
    rules.check(person, level)
    was_free_for_a_child = (
        level.age_rule == BadgeLevel.AgeRule.FREE_UNDER and registration.price == ZERO
    )
    if was_free_for_a_child and not free_for_age(level, birthdate=person.birthdate, event=event):
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
    for name, value in person.cleaned().items():
        setattr(registration, name, value)
    transfer.retired_token_hash = checkin_token_hash(registration.checkin_token)
    registration.checkin_token = new_checkin_token()
    registration.holder = account
    registration.needs_holder = False
    audit(registration, by=account, reason=f"{transfer.kind} to {account.email}")
    registration.save(update_fields=[*PERSON_FIELDS, "checkin_token", "holder", "needs_holder"])
    attendee_joined.send(sender=Registration, account_id=account.pk)
    registration_id = registration.pk
    queue_after_commit("register.send_registration_confirmation", registration_id)
    transfer.accepted_at, transfer.accepted_by = now, account
    audit(transfer, by=account, reason="accepted")
    transfer.save(update_fields=["accepted_at", "accepted_by", "retired_token_hash"])
    record_status(
        registration.order,
        registration.order.status,
        from_status=registration.order.status,
        by=account,
        note=f"badge #{registration.badge_number}: {transfer.kind} accepted",
    )
    return registration
