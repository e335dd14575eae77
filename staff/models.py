"""Departments, volunteers, jobs and shifts of a convention's event.

Accounts live in the public schema, so people are referred to by ``account_id`` (a plain id);
a volunteer's name is copied from the account when they apply (shown on sign-in sheets).
Authority over a department (its heads) lives here, in ``DepartmentMember.is_head``; the
tenant role ``staff_lead`` is the staffing lead over every department (``staff.authority``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from event.models import Event


class StaffSettings(models.Model):
    """The staffing lead's settings for one event (defaults apply while there is no row)."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="staff_settings")
    drop_cutoff_hours = models.PositiveSmallIntegerField(
        default=24,
        validators=[MaxValueValidator(24 * 14)],
        help_text="Volunteers may drop or swap a shift until this many hours before it starts.",
    )

    class Meta:
        verbose_name = "staff settings"
        verbose_name_plural = "staff settings"

    def __str__(self) -> str:
        return f"Staff settings of {self.event}"


class RewardThreshold(models.Model):
    """A reward earned with this many weighted hours *worked* (never hours signed up)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="staff_rewards")
    hours = models.DecimalField(
        max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    name = models.CharField(max_length=100, help_text="e.g. Staff shirt, meal vouchers.")

    class Meta:
        ordering = ["hours"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="staff_reward_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.hours} h: {self.name}"


class Department(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="staff_departments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)
    description = models.TextField(blank=True)
    max_consecutive_hours = models.PositiveSmallIntegerField(
        default=6,
        validators=[MaxValueValidator(24)],
        help_text="Longest run of back-to-back shifts one person may hold here; 0 for no cap.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "slug"], name="staff_department_unique_slug"),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="staff_department_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id and self.parent else self.name


class Volunteer(models.Model):
    """A person's application to help at the event, and their record once accepted."""

    class Kind(models.TextChoices):
        VOLUNTEER = "volunteer", _("Volunteer")
        STAFF = "staff", _("Staff")

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    class ShirtSize(models.TextChoices):
        NONE = "", _("No shirt")
        XS = "XS", "XS"
        S = "S", "S"
        M = "M", "M"
        L = "L", "L"
        XL = "XL", "XL"
        XXL = "2XL", "2XL"
        XXXL = "3XL", "3XL"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="staff_volunteers")
    account_id = models.BigIntegerField(db_index=True)
    # The person's badge here, when they hold one (registration's row; read, never written).
    registration = models.ForeignKey(
        "register.Registration", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.VOLUNTEER)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.APPLIED)
    interests = models.ManyToManyField(Department, blank=True, related_name="interested")
    availability = models.TextField(blank=True, help_text="When you can help.")
    skills = models.TextField(blank=True)
    shirt_size = models.CharField(
        max_length=4, choices=ShirtSize.choices, blank=True, default=ShirtSize.NONE
    )
    emergency_contact = models.CharField(
        max_length=200, help_text="Name and phone number of someone to call in an emergency."
    )
    # The personal iCal feed: the token is derived from the salt (services.feed_token); only its
    # SHA-256 is stored, to find the row.
    feed_salt = models.CharField(max_length=64, blank=True)
    feed_lookup = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "account_id"], name="staff_volunteer_one_per_account"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DepartmentMember(models.Model):
    """A volunteer accepted into a department; ``is_head`` gives them authority over it (and
    its sub-departments)."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="members")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="memberships")
    is_head = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["department", "volunteer"], name="staff_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} in {self.department}"


class DepartmentRole(models.Model):
    """A qualification some jobs require ("Radio certified", "Cash handler")."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="roles")
    name = models.CharField(max_length=100)
    holders = models.ManyToManyField(Volunteer, blank=True, related_name="department_roles")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="staff_role_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Job(models.Model):
    """A time slot in a department with a number of places."""

    class Visibility(models.TextChoices):
        MEMBERS = "members", _("Department members only")
        ALL = "all", _("All volunteers")

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="jobs")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    start = models.DateTimeField()
    end = models.DateTimeField()
    places = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    weight = models.DecimalField(
        max_digits=3, decimal_places=1, choices=[("1.0", "1×"), ("1.5", "1.5×")], default="1.0"
    )
    required_roles = models.ManyToManyField(DepartmentRole, blank=True, related_name="jobs")
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.ALL)

    class Meta:
        ordering = ["start", "department__name", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="staff_job_ordered"),
            models.CheckConstraint(condition=Q(places__gte=1), name="staff_job_has_places"),
        ]
        indexes = [models.Index(fields=["start"], name="staff_job_start")]

    def __str__(self) -> str:
        return f"{self.name} ({self.start:%Y-%m-%d %H:%M})"

    @property
    def hours(self) -> Decimal:
        return Decimal((self.end - self.start).total_seconds()) / 3600

    @property
    def weighted_hours(self) -> Decimal:
        return self.hours * Decimal(self.weight)


class Shift(models.Model):
    """One person holding one place of a job. Dropping deletes the row."""

    class Status(models.TextChoices):
        SIGNED_UP = "signed_up", _("Signed up")
        WORKED = "worked", _("Worked")
        NO_SHOW = "no_show", _("No-show")

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="shifts")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="shifts")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SIGNED_UP)
    clock_in = models.DateTimeField(null=True, blank=True)
    clock_out = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["job__start"]
        constraints = [
            models.UniqueConstraint(fields=["job", "volunteer"], name="staff_shift_once_per_job"),
            models.CheckConstraint(
                condition=Q(clock_out__isnull=True)
                | Q(clock_in__isnull=True)
                | Q(clock_out__gt=F("clock_in")),
                name="staff_shift_clock_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.job}"

    @property
    def worked_hours(self) -> Decimal:
        """Weighted hours actually worked: the clocked time when clocked in and out, else the
        job's length when marked worked, else nothing."""
        if self.status != self.Status.WORKED:
            return Decimal(0)
        if self.clock_in and self.clock_out:
            seconds = (self.clock_out - self.clock_in).total_seconds()
            return Decimal(seconds) / 3600 * Decimal(self.job.weight)
        return self.job.weighted_hours


def overlaps_q(start: dt.datetime, end: dt.datetime, prefix: str = "job__") -> Q:
    return Q(**{f"{prefix}start__lt": end, f"{prefix}end__gt": start})
