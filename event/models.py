"""A convention's events — several at once (this year's doors open while next year's is on
pre-sale), one of them the default the bare URLs serve — and the data derived from them."""

from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"'{value}' is not a known time zone (e.g. America/New_York).")


def validate_event_slug(value: str) -> None:
    """An event's slug is the first part of its URLs (``/<slug>/register/``): never one the
    convention's own pages use (``admin``, ``register``, …)."""
    from event.middleware import reserved_segments

    if value in reserved_segments():
        raise ValidationError(f"'{value}' is taken by the site's own pages; choose another slug.")


class Event(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft (not public)"
        ON_SALE = "on_sale", "On sale"
        LIVE = "live", "Live (doors open)"
        OVER = "over", "Over"
        ARCHIVED = "archived", "Archived (not public)"

    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=100,
        unique=True,
        validators=[validate_event_slug],
        help_text="Its address: /<slug>/register/, /<slug>/schedule/, …",
    )
    state = models.CharField(
        max_length=10,
        choices=State.choices,
        default=State.ON_SALE,
        help_text="Draft and archived events are not public; the others have their own pages.",
    )
    start_date = models.DateField()
    end_date = models.DateField()
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    venue_name = models.CharField(max_length=200, blank=True)
    venue_address = models.TextField(blank=True)
    city = models.CharField(
        max_length=120, blank=True, help_text="Shown in the platform's convention directory."
    )
    # Where the venue is, for the directory's "near me": optional, in decimal degrees.
    latitude = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text="The venue's latitude (e.g. 39.9526), for the directory's 'near me'.",
    )
    longitude = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text="The venue's longitude (e.g. -75.1652).",
    )
    is_active = models.BooleanField(
        default=False,
        help_text="The default event: what the convention's bare addresses (/register/, …) "
        "serve. At most one; the others are reached by their slug.",
    )
    age_of_majority = models.PositiveSmallIntegerField(
        default=18, help_text="Attendees younger than this on the first day count as minors."
    )
    # Derived by `event__generate_properties`; never edited by hand.
    minor_cutoff_date = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="Attendees born after this date are minors at the event.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="event_one_active_event"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="event_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.state in PUBLIC_STATES

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The event cannot end before it starts."})


PUBLIC_STATES = (Event.State.ON_SALE, Event.State.LIVE, Event.State.OVER)


class EventDay(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="days")
    date = models.DateField()
    number = models.PositiveSmallIntegerField(help_text="1 for the first day.")

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["event", "date"], name="event_day_unique_date"),
        ]

    def __str__(self) -> str:
        return f"Day {self.number} ({self.date:%a %d %b})"


class BadgeNumberRange(models.Model):
    """A block of badge numbers for one kind of badge, e.g. staff 1–199."""

    class Kind(models.TextChoices):
        STAFF = "staff", "Staff"
        DEALER = "dealer", "Dealer"
        ATTENDEE = "attendee", "Attendee"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="badge_ranges")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    first_number = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: no limit.")

    class Meta:
        ordering = ["first_number"]
        constraints = [
            models.UniqueConstraint(fields=["event", "kind"], name="event_badge_range_unique_kind"),
            models.CheckConstraint(
                condition=Q(first_number__gte=1), name="event_badge_range_positive"
            ),
            models.CheckConstraint(
                condition=Q(last_number__isnull=True) | Q(last_number__gte=F("first_number")),
                name="event_badge_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.first_number}–{self.last_number or '…'}"
