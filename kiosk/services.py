"""Every write of the door: redeeming a scanned badge (shaped after pretix's
``checkinrpc/redeem``), undoing it, merging an offline device's uploads, the signing key, and the
print queue. Capacity-like rules (one entry per badge) hold under a row lock on the badge."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from event.models import Event
from kiosk import selectors, signing
from kiosk.models import BadgeLayout, CheckIn, Device, DoorNote, PrintJob, SigningKey
from kiosk.printing import BadgeFace, badges_pdf
from kiosk.selectors import Essentials
from midsummer import contract
from register.models import Order, Registration
from register.services import AttendeeInput, order_pay_at_door, order_place
from tenant.current import current_tenant
from tenant.models import User
from tenant.services import user_for_email
from tenant.signals import integration_event

DEFAULT_COLOUR = "#1d4ed8"

# The fixed list of reasons a scan is refused, and what the desk is told for each.
REASONS: dict[str, object] = {
    "invalid": gettext_lazy("Unknown code: this is not a badge of this convention."),
    "wrong_event": gettext_lazy("This badge is for another event of this convention."),
    "unpaid": gettext_lazy("Not paid yet: send them to the registration desk to pay."),
    "canceled": gettext_lazy("This badge was cancelled or refunded and is no longer valid."),
    "blocked": gettext_lazy("Held for review: call the registration lead before letting in."),
    "revoked": gettext_lazy(
        "Old code: this badge was handed over to someone else; this code no longer counts."
    ),
    "unassigned": gettext_lazy("A group badge no one has claimed yet: it has no holder."),
    "already_redeemed": gettext_lazy("Already checked in."),
    "not_checked_in": gettext_lazy("Not checked in, so they cannot be checked out."),
    "nonce_reused": gettext_lazy("This scan's key was already used for another badge."),
}


@dataclass(frozen=True)
class RedeemResult:
    status: str  # "ok" or "error"
    reason: str = ""
    essentials: Essentials | None = None
    checkin: CheckIn | None = None
    duplicate: bool = False  # the same nonce again: the earlier check-in is the answer
    previous: dt.datetime | None = None  # with already_redeemed: when they came in

    @property
    def message(self) -> str:
        if self.status == "ok":
            return str(
                _("Checked out.")
                if self.checkin and self.checkin.kind == "exit"
                else _("Checked in.")
            )
        text = str(REASONS[self.reason])
        return text

    def as_json(self) -> dict[str, object]:
        return {
            "status": self.status,
            "reason": self.reason or None,
            "message": self.message,
            "duplicate": self.duplicate,
            "checkin": self.checkin.pk if self.checkin else None,
            "previous": self.previous.isoformat() if self.previous else None,
            "position": self.essentials.as_json() if self.essentials else None,
        }


def _refusal(registration: Registration, *, event: Event) -> str:
    status = registration.order.status
    if registration.event_id != event.pk:
        return "wrong_event"
    if status == Order.Status.PENDING:
        return "unpaid"
    if status == Order.Status.HELD:
        return "blocked"
    if status != Order.Status.PAID:
        return "canceled"
    if registration.needs_holder:
        return "unassigned"
    return ""


def _clean(*, nonce: str, kind: str) -> None:
    if not nonce or len(nonce) > 64:
        raise ValidationError(_("A nonce of 1 to 64 characters is required."))
    if kind not in CheckIn.Kind.values:
        raise ValidationError(_("The kind must be entry or exit."))


def checkin_redeem(
    *,
    event: Event,
    secret: str,
    nonce: str,
    kind: str = CheckIn.Kind.ENTRY,
    scanned_at: dt.datetime | None = None,
    source: str = CheckIn.Source.DESK,
    desk: str = "",
    device: Device | None = None,
    operator_id: int | None = None,
) -> RedeemResult:
    """Check the badge a scanned ``secret`` names in (or out), once.

    The same ``nonce`` again answers with the check-in it made (a device retrying after a lost
    answer checks in once). Under a lock on the badge's row: two desks scanning one badge at
    once make one check-in, the other is told it is already redeemed. Refusals are answered
    with a reason from ``REASONS`` and stored nowhere. Side effect: one ``CheckIn`` row.
    Raises ValidationError for a malformed request (no nonce, an unknown kind)."""
    _clean(nonce=nonce, kind=kind)
    found = selectors.scanned(event=event, secret=secret)
    if found.registration_id is None:
        return RedeemResult("error", "invalid")
    try:
        with transaction.atomic():
            return _redeem_locked(
                event=event,
                registration_id=found.registration_id,
                revoked=found.revoked,
                nonce=nonce,
                kind=kind,
                scanned_at=scanned_at or timezone.now(),
                source=source,
                desk=desk,
                device=device,
                operator_id=operator_id,
            )
    except IntegrityError:
        # The same nonce committed by a concurrent request for another badge.
        return _answer_for_nonce(event=event, nonce=nonce, registration_id=found.registration_id)


def _answer_for_nonce(*, event: Event, nonce: str, registration_id: int) -> RedeemResult:
    earlier = CheckIn.objects.filter(nonce=nonce).first()
    registration = selectors.badges_for_desk().get(pk=registration_id)
    essentials = selectors.essentials_of(registration, event=event)
    if earlier is None or earlier.registration_id != registration_id:
        return RedeemResult("error", "nonce_reused", essentials)
    return RedeemResult("ok", essentials=essentials, checkin=earlier, duplicate=True)


def _redeem_locked(
    *,
    event: Event,
    registration_id: int,
    revoked: bool,
    nonce: str,
    kind: str,
    scanned_at: dt.datetime,
    source: str,
    desk: str,
    device: Device | None,
    operator_id: int | None,
) -> RedeemResult:
    registration = (
        selectors.badges_for_desk().select_for_update(of=("self",)).get(pk=registration_id)
    )
    essentials = selectors.essentials_of(registration, event=event)
    earlier = CheckIn.objects.filter(nonce=nonce).first()
    if earlier is not None:
        if earlier.registration_id != registration_id:
            return RedeemResult("error", "nonce_reused", essentials)
        return RedeemResult("ok", essentials=essentials, checkin=earlier, duplicate=True)
    if revoked:
        return RedeemResult("error", "revoked", essentials)
    if reason := _refusal(registration, event=event):
        return RedeemResult("error", reason, essentials)
    last = selectors.last_checkin(registration_id=registration_id)
    inside = last is not None and last.kind == CheckIn.Kind.ENTRY
    if kind == CheckIn.Kind.ENTRY and last is not None and inside:
        return RedeemResult("error", "already_redeemed", essentials, previous=last.created_at)
    if kind == CheckIn.Kind.EXIT and not inside:
        return RedeemResult("error", "not_checked_in", essentials)
    checkin = CheckIn.objects.create(
        registration=registration,
        event=event,
        kind=kind,
        nonce=nonce,
        source=source,
        desk=desk[:100],
        device=device,
        operator_id=operator_id,
        scanned_at=scanned_at,
    )
    integration_event.send(
        sender=CheckIn,
        kind="checkin.redeemed",
        data={
            "checkin": {
                "id": checkin.pk,
                "registration_id": registration_id,
                "badge_number": registration.badge_number,
                "kind": kind,
                "scanned_at": scanned_at.isoformat(),
                "desk": checkin.desk,
            }
        },
    )
    return RedeemResult("ok", essentials=essentials, checkin=checkin)


@transaction.atomic
def checkin_undo(
    *, checkin_id: int, operator_id: int | None, now: dt.datetime | None = None
) -> CheckIn:
    """Take back a check-in made in the last ``UNDO_WINDOW`` (a wrong badge scanned). Side
    effect: the check-in is marked undone; it stays on record."""
    now = now or timezone.now()
    checkin = CheckIn.objects.select_for_update().filter(pk=checkin_id).first()
    if checkin is None:
        raise ValidationError(_("There is no such check-in."))
    if checkin.undone_at is not None:
        raise ValidationError(_("This check-in was already undone."))
    if now - checkin.created_at > selectors.UNDO_WINDOW:
        raise ValidationError(_("Too late to undo: check-ins can be undone for two minutes."))
    checkin.undone_at = now
    checkin.save(update_fields=["undone_at"])
    return checkin


def signing_key_of(*, event: Event) -> SigningKey:
    """The event's key pair, made on first use (concurrent first uses make one)."""
    key = selectors.signing_key(event=event)
    if key is not None:
        return key
    private, public = signing.new_key_pair()
    try:
        with transaction.atomic():
            return SigningKey.objects.create(event=event, private_key=private, public_key=public)
    except IntegrityError:
        return SigningKey.objects.get(event=event)


def signed_secret(*, registration: Registration) -> str:
    """The signed code of a badge, for its printed QR and offline devices."""
    key = signing_key_of(event=registration.event)
    return signing.sign(
        private_key=bytes(key.private_key),
        event_id=registration.event_id,
        registration_id=registration.pk,
        version=signing.token_version(registration.checkin_token),
    )


@dataclass
class SyncReport:
    recorded: list[str] = field(default_factory=list)  # nonces newly recorded
    duplicates: list[str] = field(default_factory=list)  # nonces already recorded before
    conflicts: list[dict[str, object]] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "recorded": len(self.recorded),
            "duplicates": len(self.duplicates),
            "conflicts": self.conflicts,
        }


@dataclass(frozen=True)
class OfflineScan:
    secret: str
    nonce: str
    kind: str
    scanned_at: dt.datetime


def offline_sync(*, event: Event, device: Device | None, scans: list[OfflineScan]) -> SyncReport:
    """Merge check-ins an offline device made: each nonce is recorded once (uploading twice
    changes nothing); a scan the server refuses now — the badge was already let in elsewhere,
    revoked or cancelled meanwhile — is reported as a conflict with its reason. Side effect:
    one ``CheckIn`` per newly accepted scan, marked as an offline upload."""
    report = SyncReport()
    for scan in sorted(scans, key=lambda s: s.scanned_at):
        result = checkin_redeem(
            event=event,
            secret=scan.secret,
            nonce=scan.nonce,
            kind=scan.kind,
            scanned_at=scan.scanned_at,
            source=CheckIn.Source.OFFLINE,
            desk=device.name if device else "",
            device=device,
        )
        if result.status == "ok":
            (report.duplicates if result.duplicate else report.recorded).append(scan.nonce)
        else:
            report.conflicts.append(
                {
                    "nonce": scan.nonce,
                    "reason": result.reason,
                    "message": result.message,
                    "registration": result.essentials.registration_id
                    if result.essentials
                    else None,
                }
            )
    return report


def print_job_request(
    *, registration: Registration, requested_by_id: int | None, reason: str = ""
) -> PrintJob:
    """Queue a badge for printing. A badge printed before needs a ``reason`` (the error names
    when it was printed); a badge already waiting is not queued twice. Side effect: one
    ``PrintJob``."""
    previous = selectors.last_printed(registration_id=registration.pk)
    if previous is not None and not reason.strip():
        raise ValidationError(
            _("This badge was already printed at %(when)s: a reprint needs a reason.")
            % {"when": timezone.localtime(previous.printed_at).strftime("%Y-%m-%d %H:%M")}
        )
    try:
        with transaction.atomic():
            return PrintJob.objects.create(
                registration=registration, requested_by_id=requested_by_id, reason=reason.strip()
            )
    except IntegrityError:
        raise ValidationError(_("This badge is already waiting in the print queue.")) from None


def print_jobs_for_order(*, order: Order, requested_by_id: int | None) -> list[PrintJob]:
    """Queue every badge of an order that was never printed and is not waiting."""
    jobs = []
    for registration in order.registrations.all():
        if selectors.last_printed(registration_id=registration.pk) is not None:
            continue
        if PrintJob.objects.filter(
            registration=registration, status__in=[PrintJob.Status.QUEUED, PrintJob.Status.TAKEN]
        ).exists():
            continue
        jobs.append(print_job_request(registration=registration, requested_by_id=requested_by_id))
    return jobs


@transaction.atomic
def print_job_take(*, station: str, now: dt.datetime | None = None) -> PrintJob | None:
    """The oldest queued job, now taken by ``station`` (two stations never take the same)."""
    job = (
        PrintJob.objects.select_for_update(skip_locked=True)
        .filter(status=PrintJob.Status.QUEUED)
        .order_by("created_at", "pk")
        .first()
    )
    if job is None:
        return None
    job.status, job.station, job.taken_at = (
        PrintJob.Status.TAKEN,
        station[:100],
        now or timezone.now(),
    )
    job.save(update_fields=["status", "station", "taken_at"])
    return job


@transaction.atomic
def print_job_finish(
    *, job_id: int, printed: bool, failure: str = "", now: dt.datetime | None = None
) -> PrintJob:
    """Mark a taken job printed, or failed (it can be queued again)."""
    job = PrintJob.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.status != PrintJob.Status.TAKEN:
        raise ValidationError(_("This print job is not being printed."))
    if printed:
        job.status, job.printed_at = PrintJob.Status.PRINTED, now or timezone.now()
    else:
        job.status, job.failure = PrintJob.Status.FAILED, failure[:200]
    job.save(update_fields=["status", "printed_at", "failure"])
    return job


def badge_faces(*, registrations: list[Registration], convention: str) -> list[BadgeFace]:
    """What each badge shows when printed (the signing key is made on first use)."""
    layouts = {
        layout.level_id: layout
        for layout in BadgeLayout.objects.filter(level_id__in={r.level_id for r in registrations})
    }
    faces = []
    for registration in registrations:
        layout = layouts.get(registration.level_id)
        faces.append(
            BadgeFace(
                convention=convention,
                badge_name=registration.badge_name,
                legal_name=registration.legal_name,
                number=str(registration.badge_number or "—"),
                level=registration.level.name,
                ribbon=(layout.ribbon if layout and layout.ribbon else registration.level.name),
                colour=layout.colour if layout else DEFAULT_COLOUR,
                code=signed_secret(registration=registration),
            )
        )
    return faces


def walk_up_order_place(*, event: Event, attendee: AttendeeInput, submission: str) -> Order:
    """A badge bought at the self-service kiosk, paid at the cashier: a pay-at-the-door order
    on the account of the attendee's e-mail (created without a password when there is none:
    the badge is theirs in *My registrations* once they set one). Capacity, prices, age rules
    and the ban list are registration's, under its locks; the same form sent twice is one
    order (DuplicateSubmissionError with it)."""
    return order_place(
        event=event,
        account=user_for_email(email=attendee.email),
        attendees=[attendee],
        provider=Order.Provider.DOOR,
        submission=submission,
    )


@transaction.atomic
def door_payment_take(*, order: Order, cashier: User, method: str) -> tuple[Order, list[PrintJob]]:
    """The cashier took the money for a door order: paid (registration's rules: once, under the
    order's lock) and its badges sent to the print queue, together or not at all."""
    paid = order_pay_at_door(order_id=order.pk, by=cashier, method=method)
    return paid, print_jobs_for_order(order=paid, requested_by_id=cashier.pk)


def badges_pdf_of(*, registrations: list[Registration], size: str) -> bytes:
    """The printable PDF of these badges of the convention being served: its name and logo."""
    tenant = current_tenant()
    faces = badge_faces(registrations=registrations, convention=tenant.name if tenant else "")
    return badges_pdf(faces, size=size, logo=contract.badge_logo())


@transaction.atomic
def person_erase(*, account_id: int) -> int:
    """Erase the door's records of the badges this account holds: their check-ins, print jobs
    and desk notes. Returns how many rows went."""
    registrations = Registration.objects.filter(
        Q(holder_id=account_id) | Q(holder__isnull=True, order__account_id=account_id)
    ).values("pk")
    removed = 0
    for model in (CheckIn, PrintJob, DoorNote):
        count, _rows = model.objects.filter(registration__in=registrations).delete()
        removed += count
    return removed
