"""Privacy: a person's data erased at their request, and registrations anonymized by the
organizer after the event — counts and revenue stay identical for the reports."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from event.models import Event
from event.selectors import event_today, minor_cutoff
from register.models import (
    AccountLanguage,
    Answer,
    DiscountCode,
    Registration,
    Transfer,
    WaitlistEntry,
)
from register.selectors import about_person_q
from register.services.audit import audit
from register.services.capacity import waitlist_queue_processing
from tenant.models import User

ANONYMIZED = "Anonymized"


def _anonymize(
    registrations: QuerySet[Registration], *, by: User | None = None, reason: str
) -> int:
    """Replace the personal details of these registrations; level, prices, order, dates and the
    year of birth stay (moved no further than keeps a minor a minor, so the age bands of the
    reports hold), and so counts and revenue do not change. Their earlier audit records, which
    hold the old details, are deleted."""
    count = 0
    for registration in (
        registrations.select_for_update(of=("self",)).select_related("event").order_by("pk")
    ):
        cutoff = minor_cutoff(registration.event)
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
        audit(registration, by=by, reason=reason)
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
def person_anonymize(*, account: User) -> int:
    """A person asks this convention to delete their data: their badges here (held, bought for
    themselves, or carrying their email) are anonymized, their personal codes no longer name
    them, and they leave its waiting lists (a
    place an open offer reserved for them is offered to the next in line). Orders keep their
    amounts for the books. Other conventions are not touched: each keeps its data in its own
    schema. The language remembered for their mails is forgotten. Returns how many badges were
    anonymized."""
    mine = Registration.objects.filter(
        about_person_q(account_id=account.pk, proven_email=account.proven_email),
        anonymized_at__isnull=True,
    )
    entries = WaitlistEntry.objects.filter(account_id=account.pk)
    held_an_offer = entries.filter(status=WaitlistEntry.Status.OFFERED).exists()
    entries.update(email="anonymized@invalid", status=WaitlistEntry.Status.LEFT)
    AccountLanguage.objects.filter(account_id=account.pk).delete()
    # Their personal codes (rollover credit, loyalty) stop naming them, and so work for nobody.
    DiscountCode.objects.filter(for_email__iexact=account.email).update(
        for_email="anonymized@invalid"
    )
    if held_an_offer:
        waitlist_queue_processing()  # the place their offer reserved goes to the next in line
    return _anonymize(mine, by=account, reason="anonymized at the person's request")


@transaction.atomic
def registrations_anonymize_after_event(*, days: int, today: dt.date | None = None) -> int:
    """Anonymize the registrations of events that ended more than ``days`` days ago — counted
    in days at each event, or from ``today`` when given (counts and revenue stay identical for
    reports). Returns how many were anonymized."""
    if days < 0:
        raise ValidationError("The number of days cannot be negative.")
    ended = [
        event.pk
        for event in Event.objects.only("pk", "end_date", "timezone")
        if event.end_date < (today or event_today(event)) - dt.timedelta(days=days)
    ]
    old = Registration.objects.filter(event__in=ended, anonymized_at__isnull=True)
    return _anonymize(old, reason=f"anonymized {days} days after the event")


@transaction.atomic
def registrations_anonymize(*, registration_ids: list[int], by: User | None = None) -> int:
    """The organizer anonymizes chosen registrations (e.g. after the event); counts and revenue
    stay identical for reports. Returns how many were anonymized."""
    chosen = Registration.objects.filter(pk__in=registration_ids, anonymized_at__isnull=True)
    return _anonymize(chosen, by=by, reason="anonymized by the organizer")
