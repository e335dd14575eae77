"""Reads of the door: a scanned code's badge, what the desk sees about it, searches, the
revocation list for offline devices, the print queue and the dashboard's figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncHour

from event.models import Event
from event.selectors import event_timezone, minor_cutoff
from kiosk import signing
from kiosk.models import CheckIn, Device, PrintJob, SigningKey
from register.models import Order, Registration
from register.selectors import registration_by_retired_token
from register.services.rules import age_on

UNDO_WINDOW = dt.timedelta(minutes=2)


@dataclass(frozen=True)
class Essentials:
    """What the desk needs to let a person in, and nothing more (no contact data)."""

    registration_id: int
    legal_name: str
    badge_name: str
    badge_number: int | None
    level: str
    age: int
    is_minor: bool
    guardian_name: str
    guardian_consent: bool
    order: str
    held_for_review: bool
    note: str

    def as_json(self) -> dict[str, object]:
        return {
            "registration": self.registration_id,
            "legal_name": self.legal_name,
            "badge_name": self.badge_name,
            "badge_number": self.badge_number,
            "level": self.level,
            "age": self.age,
            "minor": self.is_minor,
            "guardian_name": self.guardian_name,
            "guardian_consent": self.guardian_consent,
            "order": self.order,
            "held_for_review": self.held_for_review,
            "note": self.note,
        }


def essentials_of(registration: Registration, *, event: Event) -> Essentials:
    """``registration`` with its order, level and note (``badges_for_desk`` loads them)."""
    note = getattr(registration, "kiosk_note", None)
    return Essentials(
        registration_id=registration.pk,
        legal_name=registration.legal_name,
        badge_name=registration.badge_name,
        badge_number=registration.badge_number,
        level=registration.level.name,
        age=age_on(registration.birthdate, event.start_date),
        is_minor=registration.birthdate > minor_cutoff(event),
        guardian_name=registration.guardian_name,
        guardian_consent=registration.guardian_consent,
        order=registration.order.reference,
        held_for_review=registration.order.status == Order.Status.HELD,
        note=note.text if note else "",
    )


def badges_for_desk() -> QuerySet[Registration]:
    return Registration.objects.select_related("order", "level", "kiosk_note")


def signing_key(*, event: Event) -> SigningKey | None:
    return SigningKey.objects.filter(event=event).first()


@dataclass(frozen=True)
class Scanned:
    """What a scanned secret names: a badge (maybe revoked), or nothing."""

    registration_id: int | None
    revoked: bool = False
    other_event: bool = False


def scanned(*, event: Event, secret: str) -> Scanned:
    """The badge a scanned secret names: a plain check-in token, or a signed code of this
    event's key whose version is checked against the badge's current token."""
    secret = secret.strip()
    if not secret or len(secret) > 300:
        return Scanned(None)
    if not signing.looks_signed(secret):
        found = Registration.objects.filter(checkin_token=secret).values_list("pk", "event_id")
        row = found.first()
        if row is not None:
            return Scanned(row[0], other_event=row[1] != event.pk)
        handed_over = registration_by_retired_token(token=secret)
        if handed_over is None:
            return Scanned(None)
        return Scanned(handed_over[0], revoked=True, other_event=handed_over[1] != event.pk)
    key = signing_key(event=event)
    badge = signing.verify(secret, public_key=bytes(key.public_key)) if key else None
    if badge is None or badge.event_id != event.pk:
        return Scanned(None)
    token = (
        Registration.objects.filter(pk=badge.registration_id, event=event)
        .values_list("checkin_token", flat=True)
        .first()
    )
    if token is None:
        return Scanned(None)
    return Scanned(badge.registration_id, revoked=signing.token_version(token) != badge.version)


def last_checkin(*, registration_id: int) -> CheckIn | None:
    return (
        CheckIn.objects.filter(registration_id=registration_id, undone_at__isnull=True)
        .order_by("-created_at", "-pk")
        .first()
    )


def search_badges(*, event: Event, query: str, limit: int = 20) -> list[Registration]:
    """Badges of ``event`` matching a name, badge name, badge number, order reference or
    e-mail (at least 2 characters), with what the desk shows about them."""
    query = query.strip()
    if len(query) < 2:
        return []
    wanted = (
        Q(legal_name__icontains=query)
        | Q(badge_name__icontains=query)
        | Q(email__iexact=query)
        | Q(order__reference__iexact=query)
    )
    if query.isdigit():
        wanted |= Q(badge_number=int(query))
    return list(
        badges_for_desk()
        .filter(wanted, event=event, anonymized_at__isnull=True)
        .exclude(order__status=Order.Status.EXPIRED)
        .order_by("legal_name", "pk")[:limit]
    )


def checked_in_ids(registration_ids: list[int]) -> set[int]:
    """Which of these badges are inside now (their last valid check-in is an entry)."""
    latest = (
        CheckIn.objects.filter(registration_id__in=registration_ids, undone_at__isnull=True)
        .order_by("registration_id", "-created_at", "-pk")
        .distinct("registration_id")
        .values_list("registration_id", "kind")
    )
    return {rid for rid, kind in latest if kind == CheckIn.Kind.ENTRY}


def recent_checkins(*, event: Event, limit: int = 10) -> list[CheckIn]:
    return list(
        CheckIn.objects.filter(event=event)
        .select_related("registration", "registration__level")
        .order_by("-created_at", "-pk")[:limit]
    )


def device_of_application(*, application_id: int) -> Device | None:
    return Device.objects.filter(application_id=application_id, is_active=True).first()


def revocation_list(*, event: Event) -> dict[str, object]:
    """For offline devices: badges that must not get in (their order is not paid, or they are
    group badges without a holder), and for every valid badge the one version its signed code
    carries (a code printed before the badge was handed over carries another: revoked)."""
    void = Registration.objects.filter(event=event).filter(
        ~Q(order__status=Order.Status.PAID) | Q(needs_holder=True)
    )
    valid = Registration.objects.filter(
        event=event, order__status=Order.Status.PAID, needs_holder=False
    ).values_list("pk", "checkin_token")
    return {
        "revoked": sorted(void.values_list("pk", flat=True)),
        "versions": {str(pk): signing.token_version(token) for pk, token in valid},
    }


def print_queue(*, limit: int = 50) -> list[PrintJob]:
    return list(
        PrintJob.objects.filter(status__in=[PrintJob.Status.QUEUED, PrintJob.Status.TAKEN])
        .select_related("registration", "registration__level", "registration__order")
        .order_by("created_at", "pk")[:limit]
    )


def last_printed(*, registration_id: int) -> PrintJob | None:
    return (
        PrintJob.objects.filter(registration_id=registration_id, status=PrintJob.Status.PRINTED)
        .order_by("-printed_at")
        .first()
    )


@dataclass(frozen=True)
class Dashboard:
    inside: int
    per_hour: list[tuple[dt.datetime, int]]
    per_level: list[tuple[str, int]]
    per_desk_per_minute: list[tuple[str, float]]
    minors: int


def dashboard(*, event: Event, now: dt.datetime, window: dt.timedelta) -> Dashboard:
    """Entries by hour and by level, each desk's entries per minute over ``window`` before
    ``now``, and minors let in — a fixed number of queries whatever the figures."""
    entries = CheckIn.objects.filter(event=event, kind=CheckIn.Kind.ENTRY, undone_at__isnull=True)
    per_hour = list(
        entries.annotate(hour=TruncHour("created_at", tzinfo=event_timezone(event)))
        .values_list("hour")
        .annotate(n=Count("pk"))
        .order_by("hour")
    )
    per_level = list(
        entries.values_list("registration__level__name")
        .annotate(n=Count("registration", distinct=True))
        .order_by("registration__level__name")
    )
    minutes = max(window.total_seconds() / 60, 1)
    per_desk = [
        (desk or "—", round(n / minutes, 1))
        for desk, n in entries.filter(created_at__gte=now - window)
        .values_list("desk")
        .annotate(n=Count("pk"))
        .order_by("desk")
    ]
    minors = (
        entries.filter(registration__birthdate__gt=minor_cutoff(event))
        .values("registration")
        .distinct()
        .count()
    )
    inside = entries.values("registration").distinct().count()
    return Dashboard(inside, per_hour, per_level, per_desk, minors)


def checkins_of_account(*, account_id: int) -> QuerySet[CheckIn]:
    """The check-ins of badges this account holds (bought for themselves or handed over)."""
    return (
        CheckIn.objects.filter(
            Q(registration__holder_id=account_id)
            | Q(registration__holder__isnull=True, registration__order__account_id=account_id)
        )
        .select_related("registration")
        .order_by("scanned_at")
    )


def print_job(*, job_id: int) -> PrintJob | None:
    return (
        PrintJob.objects.select_related("registration", "registration__level")
        .filter(pk=job_id)
        .first()
    )


def order_for_desk(*, reference: str, event: Event) -> Order | None:
    return Order.objects.filter(reference=reference, event=event).first()


def order_for_self_service(*, event: Event, email: str, reference: str) -> Order | None:
    """A paid order of ``event`` with this reference that has a badge for this e-mail."""
    return (
        Order.objects.filter(
            event=event,
            reference__iexact=reference.strip(),
            status=Order.Status.PAID,
            registrations__email__iexact=email.strip(),
        )
        .distinct()
        .first()
    )


def self_service_badges(*, order_id: int) -> list[Registration]:
    return list(
        Registration.objects.filter(order_id=order_id, needs_holder=False)
        .select_related("level")
        .order_by("pk")
    )


def door_counts(*, event: Event) -> tuple[int, int]:
    """Badges checked in at ``event``, and print jobs waiting."""
    checked_in = (
        CheckIn.objects.filter(event=event, kind=CheckIn.Kind.ENTRY, undone_at__isnull=True)
        .values("registration")
        .distinct()
        .count()
    )
    waiting = PrintJob.objects.filter(
        registration__event=event, status=PrintJob.Status.QUEUED
    ).count()
    return checked_in, waiting


def order_for_cashier(*, event: Event, reference: str) -> Order | None:
    """An order of ``event`` by its reference, with its badges, for the cashier."""
    return (
        Order.objects.filter(event=event, reference__iexact=reference.strip())
        .prefetch_related("registrations__level")
        .first()
    )


def door_orders_waiting(*, event: Event, limit: int = 20) -> list[Order]:
    """Pay-at-the-door orders of ``event`` not paid yet, newest first (walk-ups in line)."""
    return list(
        Order.objects.filter(
            event=event, provider=Order.Provider.DOOR, status=Order.Status.PENDING
        ).order_by("-created_at")[:limit]
    )
