"""Panels and the programme: rooms, tracks, the call for panels, the work-in-progress
placement of accepted sessions, and the frozen releases the public sees.

Accounts live in the public schema, so people are referred to by ``account_id`` (a plain id).
"""

from __future__ import annotations

import secrets
import string
import uuid

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from event.models import Event

# A session shorter than this is a typo, longer than this a mistake (pretalx #59: a 6,944-hour
# slot broke Giggity). Enforced by the form, the services and a database constraint.
MIN_DURATION_MINUTES = 5
MAX_DURATION_MINUTES = 12 * 60

CODE_ALPHABET = string.ascii_uppercase + string.digits
HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", "A colour as #rrggbb, e.g. #5b21b6.")


def new_code() -> str:
    """A short public code (six capitals and digits, as pretalx and the c3voc format use)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


def duration_validators() -> list:
    return [MinValueValidator(MIN_DURATION_MINUTES), MaxValueValidator(MAX_DURATION_MINUTES)]


def sane_duration(field: str) -> Q:
    return Q(**{f"{field}__gte": MIN_DURATION_MINUTES, f"{field}__lte": MAX_DURATION_MINUTES})


class Track(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="schedule_tracks")
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)
    colour = models.CharField(max_length=7, default="#5b21b6", validators=[HEX_COLOUR])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "slug"], name="schedule_track_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="schedule_rooms")
    name = models.CharField(max_length=100)
    # Stable across releases and renames: apps and recording teams key rooms by it.
    guid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    capacity = models.PositiveIntegerField(default=0, help_text="Seats; 0 when unknown.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Column order in the grid.")
    area = models.CharField(
        max_length=100,
        blank=True,
        help_text="Building or floor. A panelist with back-to-back panels in different areas "
        "is warned about.",
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="schedule_room_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class RoomAvailability(models.Model):
    """A window in which the room can be used; a room without windows is always available."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="availabilities")
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="schedule_room_window_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room}: {self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M}"


class Speaker(models.Model):
    """A person on the programme of one event (a submitter or a co-panelist)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="schedule_speakers")
    account_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    email = models.EmailField()
    name = models.CharField(max_length=200, help_text="As shown on the programme.")
    biography = models.TextField(blank=True)
    code = models.CharField(max_length=6, unique=True, default=new_code, editable=False)
    guid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"], name="schedule_speaker_unique_email"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Submission(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        WAITLISTED = "waitlisted", _("Waitlisted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Format(models.TextChoices):
        PANEL = "panel", _("Panel")
        TALK = "talk", _("Talk")
        WORKSHOP = "workshop", _("Workshop")
        MEETUP = "meetup", _("Meet-up")
        PERFORMANCE = "performance", _("Performance")
        GAME = "game", _("Game")

    class ContentRating(models.TextChoices):
        ALL_AGES = "all", _("All ages")
        TEEN = "teen", _("13 and over")
        ADULT = "adult", _("18 and over")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="submissions")
    code = models.CharField(max_length=6, unique=True, default=new_code, editable=False)
    # The session's identity in every export and release (frab/c3voc "guid").
    guid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    submitted_by_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    title = models.CharField(max_length=200)
    description = models.TextField()
    duration = models.PositiveSmallIntegerField(
        validators=duration_validators(), help_text="Minutes."
    )
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.PANEL)
    track = models.ForeignKey(
        Track, null=True, blank=True, on_delete=models.SET_NULL, related_name="submissions"
    )
    tech_needs = models.TextField(blank=True)
    content_rating = models.CharField(
        max_length=10, choices=ContentRating.choices, default=ContentRating.ALL_AGES
    )
    recording_ok = models.BooleanField(default=False)
    expected_attendance = models.PositiveIntegerField(
        default=0, help_text="The programming lead's estimate; 0 when unknown."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=sane_duration("duration"), name="schedule_submission_sane_duration"
            ),
        ]
        permissions = [
            ("review_submission", "Can score submissions"),
            ("decide_submission", "Can accept, waitlist or decline submissions"),
            ("plan_schedule", "Can place sessions in rooms and times"),
            ("release_schedule", "Can release a version of the schedule"),
        ]

    def __str__(self) -> str:
        return self.title


class SubmissionAvailability(models.Model):
    """When the submitters can be on; none means any time."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="availabilities"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="schedule_submission_window_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M}"


class Panelist(models.Model):
    """A speaker on one submission: the submitter, or a co-panelist who confirms by mail."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="panelists")
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="panels")
    is_submitter = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INVITED)
    # SHA-256 of the invitation link's secret; the secret itself is only in the mail.
    invite_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    attendance_confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-is_submitter", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "speaker"], name="schedule_panelist_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.speaker} on {self.submission}"


class Review(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reviews")
    reviewer_id = models.BigIntegerField()
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "reviewer_id"], name="schedule_review_once_per_reviewer"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="schedule_review_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score}/5 for {self.submission_id}"


class Slot(models.Model):
    """Where and when an accepted session takes place in the work-in-progress schedule."""

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="slot")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="slots")
    start = models.DateTimeField()
    # Warnings the programming lead looked at and accepted (their stable keys).
    accepted_warnings = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "room__position"]
        indexes = [models.Index(fields=["room", "start"], name="schedule_slot_room_start")]

    def __str__(self) -> str:
        return f"{self.submission} in {self.room} at {self.start:%Y-%m-%d %H:%M}"


class Release(models.Model):
    """A frozen version of the schedule: what the public sees, with what changed."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="schedule_releases")
    version = models.PositiveIntegerField()
    released_at = models.DateTimeField(auto_now_add=True)
    released_by_id = models.BigIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    # {"new": [...], "moved": [...], "cancelled": [...]}: each item a session's guid, title and
    # where/when before and after.
    changelog = models.JSONField(default=dict)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "version"], name="schedule_release_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.version}"


class ReleasedSession(models.Model):
    """One session as a release froze it (titles, rooms and people as they were then)."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="sessions")
    submission_id = models.BigIntegerField()  # the export's stable integer id
    guid = models.UUIDField()
    code = models.CharField(max_length=6)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    format = models.CharField(max_length=20)
    content_rating = models.CharField(max_length=10)
    recording_ok = models.BooleanField(default=False)
    track_name = models.CharField(max_length=100, blank=True)
    track_slug = models.CharField(max_length=100, blank=True)
    track_colour = models.CharField(max_length=7, blank=True)
    room_id = models.BigIntegerField()
    room_name = models.CharField(max_length=100)
    room_guid = models.UUIDField()
    room_position = models.PositiveSmallIntegerField(default=0)
    room_capacity = models.PositiveIntegerField(default=0)
    start = models.DateTimeField()
    duration = models.PositiveSmallIntegerField(validators=duration_validators())
    # [{"id", "code", "guid", "name", "biography"}] in panel order.
    speakers = models.JSONField(default=list)

    class Meta:
        ordering = ["start", "room_position", "room_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "submission_id"], name="schedule_released_session_once"
            ),
            models.CheckConstraint(
                condition=sane_duration("duration"), name="schedule_released_sane_duration"
            ),
        ]
        indexes = [models.Index(fields=["release", "start"], name="schedule_release_start")]

    def __str__(self) -> str:
        return self.title


class Favourite(models.Model):
    """An attendee's starred session (kept across releases: it points at the submission)."""

    account_id = models.BigIntegerField()
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="favourites")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account_id", "submission"], name="schedule_favourite_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} ★ {self.submission_id}"


class CalendarFeedKey(models.Model):
    """The secret behind a person's personal iCal feeds at this convention. The feed's token is
    derived from it and the server's secret key (never stored); ``lookup`` is the token's
    SHA-256, to find the row. A new salt withdraws the old links."""

    account_id = models.BigIntegerField(unique=True)
    salt = models.CharField(max_length=64)
    lookup = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Feed key of {self.account_id}"
