"""The door: check-ins, the devices that make them, the convention's signing key for offline
badges, and the badge print queue. Badges themselves are register's (``Registration``); every
table here points at them and holds no personal data of its own beyond who was let in when."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from event.models import Event
from register.models import BadgeLevel, Registration


class Device(models.Model):
    """A scanning device or print station of this convention, authenticated as one of the
    convention's OAuth clients (``tenant.Application``, in public: kept as a plain id)."""

    name = models.CharField(max_length=100)
    application_id = models.BigIntegerField(unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CheckIn(models.Model):
    """One accepted scan: a badge going in (entry) or out (exit). Refused scans are answered,
    not stored. ``nonce`` is the client's one-time key: the same nonce twice is one check-in."""

    class Kind(models.TextChoices):
        ENTRY = "entry", "Entry"
        EXIT = "exit", "Exit"

    class Source(models.TextChoices):
        DESK = "desk", "Desk"
        DEVICE = "device", "Device"
        OFFLINE = "offline", "Offline upload"
        KIOSK = "kiosk", "Self-service kiosk"

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="kiosk_checkins"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.ENTRY)
    nonce = models.CharField(max_length=64, unique=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.DESK)
    desk = models.CharField(max_length=100, blank=True)
    device = models.ForeignKey(
        Device, null=True, blank=True, on_delete=models.SET_NULL, related_name="checkins"
    )
    # No database constraint: the record of who let someone in outlives the account.
    operator_id = models.BigIntegerField(null=True, blank=True)
    scanned_at = models.DateTimeField(help_text="When the device scanned (its own clock).")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "check-in"
        verbose_name_plural = "check-ins"
        ordering = ["-created_at", "-pk"]
        permissions = [("operate_desk", "May check attendees in at a desk")]
        indexes = [models.Index(fields=["registration", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.registration_id} @ {self.scanned_at:%Y-%m-%d %H:%M}"


class SigningKey(models.Model):
    """The event's Ed25519 key pair for signed badge codes (offline devices verify them with
    the public key). The private key never leaves the server."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="kiosk_key")
    private_key = models.BinaryField()
    public_key = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Signing key of {self.event}"


class BadgeLayout(models.Model):
    """How a level's badge looks when printed."""

    level = models.OneToOneField(BadgeLevel, on_delete=models.CASCADE, related_name="kiosk_layout")
    colour = models.CharField(max_length=7, default="#1d4ed8", help_text="Ribbon colour, #rrggbb.")
    ribbon = models.CharField(max_length=40, blank=True, help_text="Ribbon text; empty: level.")

    def __str__(self) -> str:
        return f"Layout of {self.level}"


class PrintJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        TAKEN = "taken", "Printing"
        PRINTED = "printed", "Printed"
        FAILED = "failed", "Failed"

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="kiosk_print_jobs"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    reason = models.CharField(max_length=200, blank=True, help_text="Why a badge is printed again.")
    requested_by_id = models.BigIntegerField(null=True, blank=True)
    station = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    taken_at = models.DateTimeField(null=True, blank=True)
    printed_at = models.DateTimeField(null=True, blank=True)
    failure = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(status="queued") | Q(status="taken"),
                name="kiosk_one_open_print_job_per_badge",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration_id}: {self.status}"


class DoorNote(models.Model):
    """A note from the organizers that the desk sees when the badge is scanned."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="kiosk_note"
    )
    text = models.CharField(max_length=300)

    def __str__(self) -> str:
        return self.text
