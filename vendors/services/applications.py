"""Applications and their invoices: applying, reviews, decisions under the hall's lock,
payment (through ``payments``), reminders and the deadline that sends unpaid dealers back to
the waiting list, cancellation with the refund. Refusals are ValidationError with a message
that says what to do; nothing is written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from event.models import Event
from payments.kinds import Payable, PaymentConflictError
from payments.models import Provider
from payments.services import provider_refund
from tenant.models import User
from tenant.tasks import queue_after_commit
from vendors.models import Application, Extra, Photo, Review, TableType, VendorSettings
from vendors.services.badges import badges_revoke
from vendors.services.hall import tables_unplace

Status = Application.Status

# The state machine: from each state, where a decision may take an application.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PENDING: frozenset(
        {Status.APPROVED, Status.WAITLISTED, Status.DECLINED, Status.CANCELLED}
    ),
    Status.WAITLISTED: frozenset({Status.APPROVED, Status.DECLINED, Status.CANCELLED}),
    Status.APPROVED: frozenset({Status.PAID, Status.WAITLISTED, Status.CANCELLED}),
    Status.PAID: frozenset({Status.CANCELLED}),
    Status.DECLINED: frozenset(),
    Status.CANCELLED: frozenset(),
}
HOLDS_TABLES = (Status.APPROVED, Status.PAID)


@dataclass(frozen=True)
class ApplicationInput:
    business_name: str
    contact_name: str
    wares: str
    table_type: TableType
    tables: int
    website: str = ""
    categories: str = ""
    extras: tuple[Extra, ...] = ()
    partners: int = 0
    seat_near: str = ""
    seat_far: str = ""
    seating: str = ""
    tax_id: str = ""

    def fields(self) -> dict[str, object]:
        """The application's own columns (the extras are a many-to-many)."""
        return {name: value for name, value in self.__dict__.items() if name != "extras"}


def _check(settings: VendorSettings, data: ApplicationInput, now: dt.datetime) -> None:
    if not settings.opens_at <= now < settings.closes_at:
        raise ValidationError(_("Applications are not open now."))
    if data.table_type.event_id != settings.event_id:
        raise ValidationError({"table_type": _("Pick one of this event's table types.")})
    if data.tables > settings.max_tables_per_dealer:
        raise ValidationError(
            {
                "tables": _("At most %(count)s tables per dealer.")
                % {"count": settings.max_tables_per_dealer}
            }
        )
    partners_allowed = settings.partners_per_table * data.tables
    if data.partners > partners_allowed:
        raise ValidationError(
            {
                "partners": _("At most %(count)s partners with %(tables)s tables.")
                % {"count": partners_allowed, "tables": data.tables}
            }
        )
    if any(extra.event_id != settings.event_id for extra in data.extras):
        raise ValidationError({"extras": _("Pick this event's extras.")})


@transaction.atomic
def application_submit(
    *,
    event: Event,
    account: User,
    data: ApplicationInput,
    submission: str = "",
    now: dt.datetime | None = None,
) -> Application:
    """A dealer applies (once per event); the same form sent twice is that one application.
    Side effect: the "received" mail after the commit."""
    settings = VendorSettings.objects.get(event=event)
    _check(settings, data, now or timezone.now())
    existing = Application.objects.filter(event=event, account_id=account.pk).first()
    if existing is not None:
        if submission and existing.submission == submission:
            return existing
        raise ValidationError(_("You applied already: change your application on its page."))
    try:
        with transaction.atomic():
            application = Application.objects.create(
                event=event, account_id=account.pk, submission=submission, **data.fields()
            )
            application.extras.set(data.extras)
    except IntegrityError:  # the same person's second tab or double click, at the same moment
        existing = Application.objects.filter(event=event, account_id=account.pk).first()
        if submission and existing is not None and existing.submission == submission:
            return existing  # the double click: the application the first click made
        raise ValidationError(
            _("You applied already: change your application on its page.")
        ) from None
    queue_after_commit("vendors.send_status_mail", application.pk)
    return application


@transaction.atomic
def application_update(
    *, application_id: int, account: User, data: ApplicationInput, now: dt.datetime | None = None
) -> Application:
    """The dealer changes their application while it waits for review."""
    application = Application.objects.select_for_update().get(
        pk=application_id, account_id=account.pk
    )
    if application.status != Status.PENDING:
        raise ValidationError(_("Your application was reviewed already: write to the vendor lead."))
    _check(VendorSettings.objects.get(event_id=application.event_id), data, now or timezone.now())
    for field, value in data.fields().items():
        setattr(application, field, value)
    application.save()
    application.extras.set(data.extras)
    return application


@transaction.atomic
def review_submit(
    *, application: Application, reviewer: User, score: int, note: str = ""
) -> Review:
    """A juror scores an application (1–5) once; sending again changes their score."""
    if application.status != Status.PENDING and application.status != Status.WAITLISTED:
        raise ValidationError(_("This application was decided already."))
    if not 1 <= score <= 5:
        raise ValidationError({"score": _("Score from 1 to 5.")})
    review, _created = Review.objects.update_or_create(
        application=application, reviewer_id=reviewer.pk, defaults={"score": score, "note": note}
    )
    return review


def _tables_held(event_id: int) -> int:
    held = Application.objects.filter(event_id=event_id, status__in=HOLDS_TABLES).aggregate(
        total=Sum("hall_tables")
    )["total"]
    return held or 0


def _move(application: Application, to: str) -> None:
    if to not in TRANSITIONS[application.status]:
        raise ValidationError(
            _("A %(from)s application cannot become %(to)s.")
            % {
                "from": application.get_status_display().lower(),
                "to": Status(to).label.lower(),
            }
        )
    application.status = to


@transaction.atomic
def application_decide(
    *, application_id: int, decision: str, by: User | None = None, now: dt.datetime | None = None
) -> Application:
    """The vendor lead approves (the invoice is issued: pay within ``payment_days``), waitlists
    or declines. The event's settings row is the hall's lock: approvals one at a time, and never
    more hall tables than the hall has. Side effect: the dealer's mail after the commit."""
    now = now or timezone.now()
    application = Application.objects.select_related("table_type").get(pk=application_id)
    settings = VendorSettings.objects.select_for_update().get(event_id=application.event_id)
    application = (
        Application.objects.select_for_update().select_related("table_type").get(pk=application_id)
    )
    _move(application, decision)
    if decision == Status.APPROVED:
        needed = application.tables * application.table_type.hall_tables
        free = settings.hall_tables - _tables_held(application.event_id)
        if needed > free:
            raise ValidationError(
                _("The hall has %(free)s tables free; this dealer needs %(needed)s.")
                % {"free": free, "needed": needed}
            )
        application.hall_tables = needed
        application.total = invoice_total(application, settings)
        application.due_at = now + dt.timedelta(days=settings.payment_days)
        application.reminded_at = None
    else:
        application.hall_tables = 0
    application.save()
    queue_after_commit("vendors.send_status_mail", application.pk)
    return application


@transaction.atomic
def invoice_pay(
    *, reference: str, amount: Decimal, note: str = "", now: dt.datetime | None = None
) -> Application:
    """Record full payment of an approved dealer's invoice (idempotent for a paid one). Raises
    PaymentConflictError when it can no longer be paid (waitlisted after the deadline,
    cancelled) and ValidationError when the amount is not the total."""
    application = Application.objects.select_for_update().get(reference=reference)
    if application.status == Status.PAID:
        return application
    if application.status != Status.APPROVED:
        raise PaymentConflictError(
            f"Invoice {reference} is {application.status}; it cannot be paid."
        )
    if amount != application.total:
        raise ValidationError(f"Payment of {amount} does not match the total {application.total}.")
    _move(application, Status.PAID)
    application.paid_at = now or timezone.now()
    application.save(update_fields=["status", "paid_at"])
    queue_after_commit("vendors.send_status_mail", application.pk)
    return application


def invoice_total(application: Application, settings: VendorSettings) -> Decimal:
    """The tables, the extras and the partners' badges."""
    extras = application.extras.aggregate(total=Sum("price"))["total"] or Decimal("0")
    return (
        application.table_type.price * application.tables
        + extras
        + settings.partner_price * application.partners
    )


def invoice_choose_provider(*, application: Application, provider: str) -> Application:
    if provider not in Provider.values or provider == Provider.FREE:
        raise ValidationError(_("Choose how to pay."))
    Application.objects.filter(pk=application.pk, status=Status.APPROVED).update(provider=provider)
    application.provider = provider
    return application


@transaction.atomic
def invoices_release_overdue(*, now: dt.datetime | None = None) -> int:
    """Approved dealers who did not pay by the deadline go back to the waiting list; their
    tables are free, and the waiting list's first dealers who fit are approved in their place
    (each mailed). Returns how many went back."""
    now = now or timezone.now()
    overdue = list(
        Application.objects.select_for_update(skip_locked=True).filter(
            status=Status.APPROVED, due_at__lt=now
        )
    )
    events = set()
    for application in overdue:
        _move(application, Status.WAITLISTED)
        application.hall_tables = 0
        application.save(update_fields=["status", "hall_tables"])
        tables_unplace(application)
        queue_after_commit("vendors.send_status_mail", application.pk)
        events.add(application.event_id)
    for event_id in events:
        waitlist_offer_freed_tables(event_id=event_id, now=now, skip={a.pk for a in overdue})
    return len(overdue)


def waitlist_offer_freed_tables(*, event_id: int, now: dt.datetime, skip: set[int]) -> list[int]:
    """Approve waitlisted dealers, oldest first, while the hall has tables for them."""
    approved = []
    for application in Application.objects.filter(
        event_id=event_id, status=Status.WAITLISTED
    ).exclude(pk__in=skip):
        try:
            application_decide(application_id=application.pk, decision=Status.APPROVED, now=now)
        except ValidationError:
            continue  # does not fit; a smaller one later in the line may
        approved.append(application.pk)
    return approved


@transaction.atomic
def invoices_send_reminders(*, now: dt.datetime | None = None) -> int:
    """Approved dealers who have not paid hear once, ``remind_days`` before the deadline, that
    their tables go back to the waiting list if they don't. Returns how many were reminded."""
    now = now or timezone.now()
    due = (
        Application.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(status=Status.APPROVED, reminded_at__isnull=True, due_at__gt=now)
        .filter(
            due_at__lte=now
            + models.ExpressionWrapper(
                models.F("event__vendor_settings__remind_days") * dt.timedelta(days=1),
                output_field=models.DurationField(),
            )
        )
    )
    reminded = [application.pk for application in due]
    Application.objects.filter(pk__in=reminded).update(reminded_at=now)
    for pk in reminded:
        queue_after_commit("vendors.send_reminder_mail", pk)
    return len(reminded)


@transaction.atomic
def application_cancel(
    *, application_id: int, by: User | None = None, dealer: bool = False, note: str = ""
) -> Application:
    """Cancel an application. The dealer may withdraw one not yet paid (pending, waitlisted,
    approved); the vendor lead may cancel any that is still live, a paid one with its money
    back through the provider it was paid with (if the provider refuses, nothing changes). The
    tables go to the waiting list, the table's badges are cancelled (never checked in), the
    dealer is mailed."""
    application = Application.objects.select_for_update().get(pk=application_id)
    if dealer and application.status == Status.PAID:
        raise ValidationError(
            _("Your invoice is paid: write to the vendor lead to cancel and get your money back.")
        )
    held = application.hall_tables
    _move(application, Status.CANCELLED)
    if application.paid_at is not None and application.total > application.refunded_total:
        refund = application.total - application.refunded_total
        provider_refund(
            provider=application.provider,
            provider_reference=application.provider_reference,
            amount=refund,
            idempotency_key=f"refund-{application.reference}-{application.refunded_total}",
        )
        application.refunded_total += refund
    application.hall_tables = 0
    if note:
        application._change_reason = note[:100]  # type: ignore[attr-defined]
    application.save()
    tables_unplace(application)
    badges_revoke(application, by=by)
    queue_after_commit("vendors.send_status_mail", application.pk)
    if held:
        waitlist_offer_freed_tables(
            event_id=application.event_id, now=timezone.now(), skip={application.pk}
        )
    return application


def invoice_payable(application: Application) -> Payable:
    return Payable(
        kind="vendors",
        reference=application.reference,
        total=application.total,
        currency=VendorSettings.objects.get(event_id=application.event_id).currency,
        description=_("%(event)s — dealers' den, %(business)s")
        % {"event": application.event.name, "business": application.business_name},
        return_url=reverse("vendors:mine"),
        awaiting_payment=application.status == Status.APPROVED,
        start_again_url=reverse("vendors:mine"),
    )


@transaction.atomic
def applications_erase(*, account_id: int) -> int:
    """The person's data here: their applications keep the business (the den's history and
    the hall's totals) but lose the contact, tax number, seating notes and photos."""
    mine = Application.objects.filter(account_id=account_id)
    for photo in Photo.objects.filter(application__in=mine):
        photo.image.delete(save=False)
        photo.delete()
    return mine.update(
        contact_name=_("Anonymized"),
        tax_id="",
        seating="",
        seat_near="",
        seat_far="",
        account_id=-1 * models.F("pk"),
    )
