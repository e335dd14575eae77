"""Every write of the schedule app: the call for panels, reviews and decisions, placing
sessions, releasing versions, favourites and personal calendar feeds.

Placements and releases of one event are serialized by a row lock on the event, so two leads
working at once can neither hide a double booking from each other nor release the same
version number twice.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from event.current import event_link
from event.models import Event
from schedule.cache import forget_release
from schedule.models import (
    MAX_DURATION_MINUTES,
    MIN_DURATION_MINUTES,
    CalendarFeedKey,
    Favourite,
    Panelist,
    Release,
    ReleasedSession,
    Review,
    Room,
    Slot,
    Speaker,
    Submission,
    SubmissionAvailability,
    Track,
)
from schedule.selectors import (
    latest_release,
    panelist_by_invite_token,
    secret_hash,
    wip_placements,
    wip_slots,
)
from schedule.timing import event_window, local
from schedule.warnings import PlanningWarning, schedule_warnings
from tenant.current import current_schema
from tenant.signals import integration_event
from tenant.tasks import queue_after_commit

MAX_CO_PANELISTS = 6

Window = tuple[dt.datetime, dt.datetime]


class PlacementNeedsConfirmationError(Exception):
    """The placement causes warnings the lead has not accepted; nothing was saved."""

    def __init__(self, warnings: list[PlanningWarning]) -> None:
        super().__init__("; ".join(w.message for w in warnings))
        self.warnings = warnings


# --- shared checks ------------------------------------------------------------------------------
def check_duration(minutes: int | None, *, field_name: str = "duration") -> int:
    if minutes is None or not MIN_DURATION_MINUTES <= minutes <= MAX_DURATION_MINUTES:
        raise ValidationError(
            {
                field_name: _("A session lasts between %(min)d minutes and %(max)d hours.")
                % {"min": MIN_DURATION_MINUTES, "max": MAX_DURATION_MINUTES // 60}
            }
        )
    return minutes


def check_window(
    event: Event, start: dt.datetime, end: dt.datetime, *, field_name: str = "start"
) -> None:
    """An impossible time is refused: the end before the start, or outside the event."""
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValidationError({field_name: _("Give a time with its time zone.")})
    if end <= start:
        raise ValidationError({field_name: _("The end must be after the start.")})
    first, last = event_window(event)
    if start < first or end > last:
        raise ValidationError(
            {
                field_name: _("%(start)s–%(end)s is outside the event (%(first)s to %(last)s).")
                % {
                    "start": local(start, event).strftime("%Y-%m-%d %H:%M"),
                    "end": local(end, event).strftime("%Y-%m-%d %H:%M"),
                    "first": local(first, event).strftime("%Y-%m-%d %H:%M"),
                    "last": local(last, event).strftime("%Y-%m-%d %H:%M"),
                }
            }
        )


# --- the call for panels ------------------------------------------------------------------------
@dataclass(frozen=True)
class SubmissionInput:
    title: str
    description: str
    duration: int
    format: str
    content_rating: str
    recording_ok: bool
    public_name: str
    track_id: int | None = None
    tech_needs: str = ""
    biography: str = ""
    co_panelists: tuple[tuple[str, str], ...] = ()  # (name, email)
    availability: tuple[Window, ...] = ()
    expected_attendance: int = 0


def _speaker_for(event: Event, *, email: str, name: str, account_id: int | None) -> Speaker:
    email = email.strip().lower()
    speaker = Speaker.objects.filter(event=event, email=email).first()
    if speaker is None:
        return Speaker.objects.create(event=event, email=email, name=name, account_id=account_id)
    changed = []
    if account_id is not None and speaker.account_id is None:
        speaker.account_id = account_id
        changed.append("account_id")
    if changed:
        speaker.save(update_fields=changed)
    return speaker


def _invite(panelist: Panelist) -> None:
    token = secrets.token_urlsafe(32)
    panelist.invite_token_hash = secret_hash(token)
    panelist.save(update_fields=["invite_token_hash"])
    queue_after_commit("schedule.send_copanelist_invitation", panelist.pk, token)


@transaction.atomic
def submission_create(
    *, event: Event, account_id: int, email: str, data: SubmissionInput
) -> Submission:
    """A logged-in person submits a panel. They are its first panelist (confirmed); each
    co-panelist is invited by mail and confirms through their personal link.

    Side effects: speakers created (or found by email), invitation mails queued after commit.
    """
    check_duration(data.duration)
    if len(data.co_panelists) > MAX_CO_PANELISTS:
        raise ValidationError(
            {"co_panelists": _("At most %(n)d co-panelists.") % {"n": MAX_CO_PANELISTS}}
        )
    track = None
    if data.track_id is not None:
        track = Track.objects.filter(event=event, pk=data.track_id).first()
        if track is None:
            raise ValidationError({"track": _("Choose one of this event's tracks.")})
    for start, end in data.availability:
        check_window(event, start, end, field_name="availability")
    submission = Submission(
        event=event,
        submitted_by_id=account_id,
        title=data.title.strip(),
        description=data.description.strip(),
        duration=data.duration,
        format=data.format,
        track=track,
        tech_needs=data.tech_needs,
        content_rating=data.content_rating,
        recording_ok=data.recording_ok,
        expected_attendance=data.expected_attendance,
    )
    submission.full_clean()
    submission.save()
    SubmissionAvailability.objects.bulk_create(
        SubmissionAvailability(submission=submission, start=s, end=e) for s, e in data.availability
    )
    submitter = _speaker_for(event, email=email, name=data.public_name, account_id=account_id)
    if data.biography and not submitter.biography:
        submitter.biography = data.biography
        submitter.save(update_fields=["biography"])
    Panelist.objects.create(
        submission=submission,
        speaker=submitter,
        is_submitter=True,
        status=Panelist.Status.CONFIRMED,
    )
    seen = {submitter.email}
    for name, co_email in data.co_panelists:
        try:
            validate_email(co_email)
        except ValidationError as error:
            raise ValidationError(
                {"co_panelists": _("%(email)s is not an e-mail address.") % {"email": co_email}}
            ) from error
        if co_email.strip().lower() in seen:
            continue
        seen.add(co_email.strip().lower())
        speaker = _speaker_for(event, email=co_email, name=name or co_email, account_id=None)
        _invite(Panelist.objects.create(submission=submission, speaker=speaker))
    return submission


def copanelist_send_invitation(*, panelist_id: int, token: str) -> int:
    """Mail a co-panelist their personal link to confirm (or decline) the panel."""
    panelist = Panelist.objects.select_related("submission__event", "speaker").get(pk=panelist_id)
    if panelist.status != Panelist.Status.INVITED:
        return 0
    submitter = panelist.submission.panelists.filter(is_submitter=True).select_related("speaker")
    context = {
        "panelist": panelist,
        "submission": panelist.submission,
        "event": panelist.submission.event,
        "submitter": submitter[0].speaker.name if submitter else "",
        "link": event_link(
            panelist.submission.event, "schedule:invitation", kwargs={"token": token}
        ),
    }
    return send_mail(
        subject=_("You are invited to the panel “%(title)s”")
        % {"title": panelist.submission.title},
        message=render_to_string("schedule/email/invitation.txt", context),
        from_email=None,
        recipient_list=[panelist.speaker.email],
    )


@transaction.atomic
def copanelist_respond(*, token: str, account_id: int, accept: bool) -> Panelist:
    """The invited co-panelist confirms or declines, logged in; the link works once.

    Side effect: the speaker is tied to the account that answered.
    """
    panelist = panelist_by_invite_token(token=token)
    if panelist is None:
        raise ValidationError(_("This invitation is not valid (any more)."))
    panelist = Panelist.objects.select_for_update().get(pk=panelist.pk)
    panelist.status = Panelist.Status.CONFIRMED if accept else Panelist.Status.DECLINED
    panelist.invite_token_hash = ""
    panelist.save(update_fields=["status", "invite_token_hash"])
    speaker = panelist.speaker
    if speaker.account_id is None:
        speaker.account_id = account_id
        speaker.save(update_fields=["account_id"])
    return panelist


@transaction.atomic
def panelist_confirm_attendance(*, submission: Submission, account_id: int) -> Panelist:
    """A panelist of an accepted session confirms they will be there."""
    panelist = (
        Panelist.objects.select_for_update()
        .filter(submission=submission, speaker__account_id=account_id)
        .first()
    )
    if panelist is None or panelist.status != Panelist.Status.CONFIRMED:
        raise ValidationError(_("You are not a panelist of this session."))
    if submission.status != Submission.Status.ACCEPTED:
        raise ValidationError(_("Only accepted sessions need your confirmation."))
    if panelist.attendance_confirmed_at is None:
        panelist.attendance_confirmed_at = timezone.now()
        panelist.save(update_fields=["attendance_confirmed_at"])
    return panelist


@transaction.atomic
def submission_withdraw(*, submission: Submission, account_id: int) -> Submission:
    """The submitter withdraws; a placed session leaves the work-in-progress schedule."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.submitted_by_id != account_id:
        raise ValidationError(_("Only the person who submitted it can withdraw it."))
    submission.status = Submission.Status.WITHDRAWN
    submission.save(update_fields=["status"])
    Slot.objects.filter(submission=submission).delete()
    return submission


@transaction.atomic
def review_save(
    *, submission: Submission, reviewer_id: int, score: int, comment: str = ""
) -> Review:
    """A reviewer scores a submission (1–5), once; scoring again replaces their score."""
    if not 1 <= score <= 5:
        raise ValidationError({"score": _("A score is from 1 to 5.")})
    if submission.panelists.filter(speaker__account_id=reviewer_id).exists():
        raise ValidationError(_("You cannot review a session you are on."))
    review, _created = Review.objects.update_or_create(
        submission=submission,
        reviewer_id=reviewer_id,
        defaults={"score": score, "comment": comment},
    )
    return review


DECISIONS = {
    Submission.Status.ACCEPTED,
    Submission.Status.WAITLISTED,
    Submission.Status.DECLINED,
}


@transaction.atomic
def submission_decide(
    *, submission_id: int, status: str, expected_attendance: int | None = None
) -> Submission:
    """The programming lead accepts, waitlists or declines. A session that is no longer
    accepted leaves the work-in-progress schedule (a released one shows as cancelled in the
    next release)."""
    if status not in DECISIONS:
        raise ValidationError({"status": _("Accept, waitlist or decline.")})
    submission = Submission.objects.select_for_update().get(pk=submission_id)
    if submission.status == Submission.Status.WITHDRAWN:
        raise ValidationError(_("This submission was withdrawn."))
    submission.status = status
    submission.decided_at = timezone.now()
    fields = ["status", "decided_at"]
    if expected_attendance is not None:
        submission.expected_attendance = expected_attendance
        fields.append("expected_attendance")
    submission.save(update_fields=fields)
    if status != Submission.Status.ACCEPTED:
        Slot.objects.filter(submission=submission).delete()
    return submission


# --- planning -----------------------------------------------------------------------------------
def _lock_event(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


@transaction.atomic
def slot_place(
    *,
    event: Event,
    submission_id: int,
    room_id: int,
    start: dt.datetime,
    accept_warnings: bool = False,
) -> tuple[Slot, list[PlanningWarning]]:
    """Place (or move) an accepted session in a room at a time.

    Impossible times are refused (ValidationError). Warnings the placement causes (double
    bookings, availability, room size, far back-to-back rooms) are raised as
    ``PlacementNeedsConfirmationError`` and nothing is saved, unless ``accept_warnings``: then they
    are recorded as accepted on every session involved. Returns the slot and its warnings.
    """
    _lock_event(event)
    submission = Submission.objects.filter(event=event, pk=submission_id).first()
    if submission is None or submission.status != Submission.Status.ACCEPTED:
        raise ValidationError({"submission": _("Only accepted sessions can be placed.")})
    room = Room.objects.filter(event=event, pk=room_id).first()
    if room is None:
        raise ValidationError({"room": _("Choose one of this event's rooms.")})
    check_duration(submission.duration)
    check_window(event, start, start + dt.timedelta(minutes=submission.duration))

    slot = Slot.objects.filter(submission=submission).first()
    moved = slot is None or slot.room_id != room.pk or slot.start != start
    if slot is None:
        slot = Slot(submission=submission, room=room, start=start)
    slot.room, slot.start = room, start
    if moved:
        slot.accepted_warnings = []
    slot.save()

    caused = [
        w
        for w in schedule_warnings(wip_placements(event=event), event=event)
        if submission.pk in w.submission_ids
    ]
    open_warnings = [w for w in caused if not w.accepted]
    if open_warnings and not accept_warnings:
        raise PlacementNeedsConfirmationError(open_warnings)
    if open_warnings:
        _accept(event, open_warnings)
        slot.refresh_from_db(fields=["accepted_warnings"])
    return slot, caused


def _accept(event: Event, warnings: list[PlanningWarning]) -> None:
    involved = {sid for w in warnings for sid in w.submission_ids}
    for other in Slot.objects.filter(submission__event=event, submission_id__in=involved):
        keys = [w.key for w in warnings if other.submission_id in w.submission_ids]
        other.accepted_warnings = sorted(set(other.accepted_warnings) | set(keys))
        other.save(update_fields=["accepted_warnings", "updated_at"])


@transaction.atomic
def warning_accept(*, event: Event, key: str) -> PlanningWarning:
    """The lead accepts one warning as it is now (it comes back if a session moves)."""
    _lock_event(event)
    found = [w for w in schedule_warnings(wip_placements(event=event), event=event) if w.key == key]
    if not found:
        raise ValidationError(_("This warning no longer applies."))
    _accept(event, found)
    return found[0]


@transaction.atomic
def slot_remove(*, event: Event, submission_id: int) -> int:
    """Take a session off the work-in-progress grid (it stays accepted). Returns rows removed."""
    _lock_event(event)
    removed, _details = Slot.objects.filter(
        submission__event=event, submission_id=submission_id
    ).delete()
    return removed


# --- releases -----------------------------------------------------------------------------------
def _frozen(slot: Slot) -> ReleasedSession:
    submission, room, track = slot.submission, slot.room, slot.submission.track
    panelists = [p for p in submission.panelists.all() if p.status == Panelist.Status.CONFIRMED]
    return ReleasedSession(
        submission_id=submission.pk,
        guid=submission.guid,
        code=submission.code,
        title=submission.title,
        description=submission.description,
        format=submission.format,
        content_rating=submission.content_rating,
        recording_ok=submission.recording_ok,
        track_name=track.name if track else "",
        track_slug=track.slug if track else "",
        track_colour=track.colour if track else "",
        room_id=room.pk,
        room_name=room.name,
        room_guid=room.guid,
        room_position=room.position,
        room_capacity=room.capacity,
        start=slot.start,
        duration=submission.duration,
        speakers=[
            {
                "id": p.speaker_id,
                "code": p.speaker.code,
                "guid": str(p.speaker.guid),
                "name": p.speaker.name,
                "biography": p.speaker.biography,
            }
            for p in panelists
        ],
    )


def _where(session: ReleasedSession) -> dict[str, object]:
    return {
        "room": session.room_name,
        "start": session.start.isoformat(),
        "duration": session.duration,
    }


def _changes(before: list[ReleasedSession], after: list[ReleasedSession]) -> dict[str, list]:
    old = {s.submission_id: s for s in before}
    new = {s.submission_id: s for s in after}
    changelog: dict[str, list] = {"new": [], "moved": [], "cancelled": []}
    for sid, session in new.items():
        item = {"id": sid, "guid": str(session.guid), "title": session.title}
        if sid not in old:
            changelog["new"].append(item | {"after": _where(session)})
        elif _where(old[sid]) != _where(session):
            changelog["moved"].append(item | {"before": _where(old[sid]), "after": _where(session)})
    for sid, session in old.items():
        if sid not in new:
            changelog["cancelled"].append(
                {"id": sid, "guid": str(session.guid), "title": session.title}
                | {"before": _where(session)}
            )
    return changelog


@transaction.atomic
def release_create(*, event: Event, by_id: int | None, comment: str = "") -> Release:
    """Freeze the work-in-progress schedule as the next version, with its changelog against the
    previous one; the public sees it at once and earlier versions stay readable.

    Side effects: the public programme's cache is dropped after commit (this tenant only);
    each panelist whose sessions are new, moved or cancelled is mailed their changes (task).
    """
    _lock_event(event)
    previous = latest_release(event=event)
    slots = list(wip_slots(event=event).filter(submission__status=Submission.Status.ACCEPTED))
    if not slots and previous is None:
        raise ValidationError(_("Place at least one session before releasing the schedule."))
    release = Release.objects.create(
        event=event,
        version=previous.version + 1 if previous else 1,
        released_by_id=by_id,
        comment=comment,
    )
    frozen = [_frozen(slot) for slot in slots]
    for session in frozen:
        session.release = release
    ReleasedSession.objects.bulk_create(frozen)
    before = list(previous.sessions.all()) if previous else []
    release.changelog = _changes(before, frozen)
    release.save(update_fields=["changelog"])
    transaction.on_commit(lambda: forget_release(event_id=event.pk))
    queue_after_commit("schedule.send_release_changes", release.pk)
    integration_event.send(
        sender=Release,
        kind="schedule.released",
        data={"release": {"id": release.pk, "version": release.version, "sessions": len(frozen)}},
    )
    return release


def release_send_changes(*, release_id: int) -> int:
    """Mail every panelist whose sessions changed in this release what changed for them, with
    times in the event's time zone. Returns mails sent."""
    release = Release.objects.select_related("event").get(pk=release_id)
    event = release.event
    changed_ids = {item["id"] for items in release.changelog.values() for item in items}
    if not changed_ids:
        return 0
    per_speaker: dict[int, list[tuple[str, dict]]] = {}
    panelists = Panelist.objects.filter(
        submission_id__in=changed_ids, status=Panelist.Status.CONFIRMED
    ).select_related("speaker")
    by_submission: dict[int, list[Panelist]] = {}
    for panelist in panelists:
        by_submission.setdefault(panelist.submission_id, []).append(panelist)
    speakers: dict[int, Speaker] = {}
    for kind, items in release.changelog.items():
        for item in items:
            for panelist in by_submission.get(item["id"], []):
                speakers[panelist.speaker_id] = panelist.speaker
                per_speaker.setdefault(panelist.speaker_id, []).append((kind, item))
    sent = 0
    for speaker_id, changes in per_speaker.items():
        speaker = speakers[speaker_id]
        lines = [_change_line(kind, item, event) for kind, item in changes]
        context = {
            "speaker": speaker,
            "event": event,
            "release": release,
            "lines": lines,
            "link": event_link(event, "schedule:speaker", kwargs={"code": speaker.code}),
        }
        sent += send_mail(
            subject=_("%(event)s: your sessions in schedule version %(version)d")
            % {"event": event.name, "version": release.version},
            message=render_to_string("schedule/email/release_changes.txt", context),
            from_email=None,
            recipient_list=[speaker.email],
        )
    return sent


def _when(where: dict, event: Event) -> str:
    start = local(dt.datetime.fromisoformat(str(where["start"])), event)
    return _("%(day)s %(time)s in %(room)s") % {
        "day": start.strftime("%a %d %b"),
        "time": start.strftime("%H:%M"),
        "room": where["room"],
    }


def _change_line(kind: str, item: dict, event: Event) -> str:
    if kind == "new":
        return _("“%(title)s”: %(after)s.") % {
            "title": item["title"],
            "after": _when(item["after"], event),
        }
    if kind == "moved":
        return _("“%(title)s” moved: now %(after)s (was %(before)s).") % {
            "title": item["title"],
            "after": _when(item["after"], event),
            "before": _when(item["before"], event),
        }
    return _("“%(title)s” is cancelled (was %(before)s).") % {
        "title": item["title"],
        "before": _when(item["before"], event),
    }


# --- attendees ----------------------------------------------------------------------------------
@transaction.atomic
def favourite_toggle(*, account_id: int, submission_id: int) -> bool:
    """Star or unstar a session; returns whether it is a favourite now."""
    removed, _details = Favourite.objects.filter(
        account_id=account_id, submission_id=submission_id
    ).delete()
    if removed:
        return False
    Favourite.objects.get_or_create(account_id=account_id, submission_id=submission_id)
    return True


def feed_token(key: CalendarFeedKey) -> str:
    """The personal feed token: derived from the server's secret, this convention's schema, the
    account and the key's salt — unguessable, and useless at any other convention."""
    message = f"schedule-feed:{current_schema()}:{key.account_id}:{key.salt}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


@transaction.atomic
def feed_key_ensure(*, account_id: int, renew: bool = False) -> str:
    """The account's personal feed token here, made on first use; ``renew`` withdraws the old
    links. Returns the token (only its SHA-256 is stored)."""
    key = CalendarFeedKey.objects.select_for_update().filter(account_id=account_id).first()
    if key is not None and not renew:
        return feed_token(key)
    if key is None:
        key = CalendarFeedKey(account_id=account_id)
    key.salt = secrets.token_hex(16)
    token = feed_token(key)
    key.lookup = secret_hash(token)
    key.save()
    return token


# --- privacy ------------------------------------------------------------------------------------
@transaction.atomic
def person_erase(*, account_id: int, email: str) -> int:
    """The person's data here: their speaker profiles are anonymized (sessions stay on the
    programme without their name), favourites and feed keys deleted. Returns records changed."""
    count = 0
    for speaker in Speaker.objects.select_for_update().filter(account_id=account_id) | (
        Speaker.objects.filter(email__iexact=email)
    ):
        speaker.name = _("Anonymized")
        speaker.email = f"anonymized-{speaker.pk}@invalid"
        speaker.biography = ""
        speaker.account_id = None
        speaker.save(update_fields=["name", "email", "biography", "account_id"])
        count += 1
    count += Favourite.objects.filter(account_id=account_id).delete()[0]
    count += CalendarFeedKey.objects.filter(account_id=account_id).delete()[0]
    return count


@dataclass(frozen=True)
class ImportedRow:
    """One session read from a spreadsheet (see schedule/importer.py)."""

    row: int
    title: str
    start: dt.datetime
    end: dt.datetime
    room: str
    track: str = ""
    description: str = ""
    presenters: tuple[tuple[str, str], ...] = field(default=())


@transaction.atomic
def schedule_import(*, event: Event, rows: list[ImportedRow]) -> int:
    """Import an existing schedule: rooms and tracks as needed, each row an accepted session
    placed in the work-in-progress schedule (released by the lead as usual). Every row is
    checked before anything is written; one impossible time imports nothing. Returns sessions
    imported."""
    from django.utils.text import slugify

    _lock_event(event)
    for row in rows:
        try:
            check_window(event, row.start, row.end)
            check_duration(int((row.end - row.start).total_seconds() // 60))
        except ValidationError as error:
            raise ValidationError(
                _("Row %(row)d: %(error)s") % {"row": row.row, "error": " ".join(error.messages)}
            ) from error
    rooms = {r.name: r for r in Room.objects.filter(event=event)}
    tracks = {t.name: t for t in Track.objects.filter(event=event)}
    for row in rows:
        if row.room not in rooms:
            rooms[row.room] = Room.objects.create(event=event, name=row.room, position=len(rooms))
        if row.track and row.track not in tracks:
            tracks[row.track] = Track.objects.create(
                event=event, name=row.track, slug=slugify(row.track)[:100] or f"track-{len(tracks)}"
            )
        submission = Submission.objects.create(
            event=event,
            title=row.title,
            description=row.description,
            duration=int((row.end - row.start).total_seconds() // 60),
            track=tracks.get(row.track),
            status=Submission.Status.ACCEPTED,
            decided_at=timezone.now(),
        )
        for name, email in row.presenters:
            address = (
                email or f"{slugify(name) or 'presenter'}-{secrets.token_hex(4)}@import.invalid"
            )
            speaker = _speaker_for(event, email=address, name=name, account_id=None)
            Panelist.objects.get_or_create(
                submission=submission,
                speaker=speaker,
                defaults={"status": Panelist.Status.CONFIRMED},
            )
        Slot.objects.create(submission=submission, room=rooms[row.room], start=row.start)
    return len(rows)
