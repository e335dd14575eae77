"""Registration: badge levels and their prices, add-ons, discount codes, orders and badges.

Money is ``Decimal`` with two places in the event's currency. Capacity is never stored as a
counter: places taken are counted from registrations that are paid, held at the door, or whose
pending hold has not expired — under row locks on the level (see services.order_place).
"""

from __future__ import annotations

import functools
import hashlib
import operator
import secrets
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from event.models import BadgeNumberRange, Event
from payments.models import Provider


def money_field(**options) -> models.DecimalField:
    """An amount of money: two decimal places, never negative."""
    return models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))], **options
    )


def checkin_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_checkin_token() -> str:
    return secrets.token_urlsafe(24)


def audit_trail(**options) -> HistoricalRecords:
    """Who changed what and when, in a history table in the tenant's schema. Accounts live in
    public, so the acting user is kept as a plain id, not a foreign key: the record outlives the
    account, and deleting an account never reaches into a tenant's history tables."""
    return HistoricalRecords(
        history_user_id_field=models.BigIntegerField(null=True, blank=True), **options
    )


class RegistrationSettings(models.Model):
    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="registration")
    currency = models.CharField(max_length=3, default="USD")
    hold_minutes = models.PositiveSmallIntegerField(
        default=20, help_text="How long an unpaid order keeps its places."
    )
    badge_name_max_length = models.PositiveSmallIntegerField(default=24)
    badge_name_blocklist = models.TextField(
        blank=True, help_text="Words not allowed in badge names, one per line (case-insensitive)."
    )
    badge_name_edit_until = models.DateField(
        null=True, blank=True, help_text="Attendees may change their badge name until this day."
    )
    self_cancel_until = models.DateField(
        null=True,
        blank=True,
        help_text="Attendees may cancel their order for a full refund until this day (inclusive); "
        "empty: they cannot cancel themselves.",
    )
    transfers_allowed = models.BooleanField(
        default=False, help_text="Attendees may hand their paid badge to another person."
    )
    transfer_until = models.DateField(
        null=True, blank=True, help_text="Last day for transfers (inclusive); empty: no limit."
    )
    waitlist_offer_hours = models.PositiveSmallIntegerField(
        default=24, help_text="How long a waiting-list offer keeps its place for the person."
    )
    history = audit_trail()

    class Meta:
        verbose_name = "registration settings"
        verbose_name_plural = "registration settings"

    def __str__(self) -> str:
        return f"Registration settings of {self.event}"

    @property
    def blocked_words(self) -> list[str]:
        return [w.strip().lower() for w in self.badge_name_blocklist.splitlines() if w.strip()]


class BadgeLevel(models.Model):
    class AgeRule(models.TextChoices):
        ANYONE = "anyone", "Anyone"
        ADULTS_ONLY = "adults_only", "Adults only"
        MINORS_ONLY = "minors_only", "Minors only"
        FREE_UNDER = "free_under", "Free under an age"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="badge_levels")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    price = money_field(help_text="Price when no price tier applies.")
    capacity = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: no limit.")
    sale_starts_at = models.DateTimeField(null=True, blank=True)
    sale_ends_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(
        default=False, help_text="Only offered with a discount code that unlocks it."
    )
    age_rule = models.CharField(max_length=20, choices=AgeRule.choices, default=AgeRule.ANYONE)
    free_under_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="With 'free under an age': younger attendees pay nothing."
    )
    badge_kind = models.CharField(
        max_length=20, choices=BadgeNumberRange.Kind.choices, default=BadgeNumberRange.Kind.ATTENDEE
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "price", "name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="register_level_unique_name"),
            models.CheckConstraint(
                condition=~Q(age_rule="free_under") | Q(free_under_age__isnull=False),
                name="register_level_free_under_needs_age",
            ),
            # Numbers are taken per kind from the event's ranges: an unknown kind has none.
            # (One equality per kind: `IN` reads back from PostgreSQL in another spelling than
            # it was written, and a cloned schema is compared with a migrated one by that text.)
            models.CheckConstraint(
                condition=functools.reduce(
                    operator.or_, (Q(badge_kind=kind) for kind in BadgeNumberRange.Kind.values)
                ),
                name="register_level_known_badge_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PriceTier(models.Model):
    """From ``starts_on`` on, the level costs ``price`` (early bird → regular → at-door)."""

    level = models.ForeignKey(BadgeLevel, on_delete=models.CASCADE, related_name="price_tiers")
    name = models.CharField(max_length=100)
    price = money_field()
    starts_on = models.DateField()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["level", "starts_on"], name="register_tier_unique_day"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.price}"


class AddOn(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="add_ons")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    price = money_field()
    capacity = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: no limit.")
    options = ArrayField(
        models.CharField(max_length=50),
        default=list,
        blank=True,
        help_text="Choices such as T-shirt sizes; empty when there is nothing to choose.",
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = "add-on"
        verbose_name_plural = "add-ons"

    def __str__(self) -> str:
        return self.name


class DiscountCode(models.Model):
    class Kind(models.TextChoices):
        PERCENT = "percent", "Percent off"
        FIXED = "fixed", "Amount off"

    class Origin(models.TextChoices):
        MANUAL = "manual", "Made by the team"
        ROLLOVER = "rollover", "Credit of a badge rolled over from an earlier event"
        LOYALTY = "loyalty", "Loyalty discount for an earlier event's attendee"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="discount_codes")
    code = models.CharField(max_length=40)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = money_field(help_text="Percent (0–100) or an amount per badge.")
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    max_uses = models.PositiveIntegerField(
        null=True, blank=True, help_text="Badges it may discount in all; empty: no limit."
    )
    levels = models.ManyToManyField(
        BadgeLevel, blank=True, related_name="+", help_text="Only these levels; none: all levels."
    )
    unlocks = models.ManyToManyField(
        BadgeLevel, blank=True, related_name="unlocked_by", help_text="Hidden levels it reveals."
    )
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.MANUAL)
    for_email = models.EmailField(
        blank=True,
        help_text="Personal: only an order placed by the account with this email may use it.",
    )
    # The order whose credit this code carries (a rollover): one code per order, ever.
    source_order = models.OneToOneField(
        "Order", null=True, blank=True, on_delete=models.PROTECT, related_name="rollover_code"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "event", Lower("code"), name="register_code_unique_case_insensitive"
            ),
            models.UniqueConstraint(
                "event",
                Lower("for_email"),
                condition=Q(origin="loyalty"),
                name="register_code_one_loyalty_code_per_person",
            ),
            models.CheckConstraint(
                condition=~Q(kind="percent") | Q(amount__lte=100), name="register_code_percent"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Question(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", "Text"
        CHOICE = "choice", "Choice"
        CHECKBOX = "checkbox", "Checkbox"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TEXT)
    choices = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    is_required = models.BooleanField(default=False)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.label


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending payment")
        PAID = "paid", _("Paid")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")
        HELD = "held", _("Paid, held for review")

    Provider = Provider  # how it is paid: one list for everything sold (payments/models.py)

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="orders")
    reference = models.CharField(max_length=16, unique=True, editable=False)
    # DO_NOTHING in Python because accounts live in public, where no schema's orders are visible;
    # the database constraint still refuses to delete an account that has orders here.
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    provider = models.CharField(max_length=12, choices=Provider.choices)
    currency = models.CharField(max_length=3)
    subtotal = money_field()
    discount_total = money_field()
    total = money_field()
    refunded_total = money_field(default=Decimal("0"))
    discount_code = models.ForeignKey(
        DiscountCode, null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    hold_expires_at = models.DateTimeField(
        null=True, blank=True, help_text="A pending order keeps its places until then."
    )
    provider_reference = models.CharField(
        max_length=255, blank=True, help_text="The payment provider's id, e.g. a Stripe session."
    )
    # The one-time key of the form that placed the order: the same form sent twice (a double
    # click, a resent request) places one order, even when both arrive at once.
    submission = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    history = audit_trail(excluded_fields=["submission"])

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "hold_expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(total=F("subtotal") - F("discount_total")), name="register_order_total"
            ),
            models.UniqueConstraint(
                fields=["account", "submission"],
                condition=~Q(submission=""),
                name="register_order_submitted_once",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class Registration(models.Model):
    """One person's badge within an order."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="registrations")
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(BadgeLevel, on_delete=models.PROTECT, related_name="registrations")
    price = money_field(help_text="Frozen when the order was placed.")
    discount = money_field(default=Decimal("0"))
    legal_name = models.CharField(max_length=200)
    badge_name = models.CharField(max_length=64)
    birthdate = models.DateField()
    email = models.EmailField()
    phone = models.CharField(max_length=40)
    emergency_contact = models.CharField(max_length=200)
    guardian_name = models.CharField(max_length=200, blank=True)
    guardian_contact = models.CharField(max_length=200, blank=True)
    guardian_consent = models.BooleanField(default=False)
    badge_number = models.PositiveIntegerField(null=True, blank=True)
    checkin_token = models.CharField(max_length=64, unique=True, default=new_checkin_token)
    # Who holds the badge when it is not the buyer: set when someone accepts a transfer.
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    # A group badge the leader has not yet assigned: no check-in code until a holder accepts it.
    needs_holder = models.BooleanField(default=False)
    anonymized_at = models.DateTimeField(null=True, blank=True)
    # The check-in token is a secret: the trail says that it changed, never what it was.
    history = audit_trail(excluded_fields=["checkin_token"])

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "badge_number"], name="register_badge_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.badge_name} ({self.level})"


class RegistrationAddOn(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="add_ons")
    add_on = models.ForeignKey(AddOn, on_delete=models.PROTECT, related_name="sold")
    option = models.CharField(max_length=50, blank=True)
    price = money_field()

    def __str__(self) -> str:
        return f"{self.add_on} {self.option}".strip()


class Answer(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.question}: {self.value}"


class OrderStatusChange(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    # No database constraint: the record of who did it outlives the account.
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    note = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


class BadgeNumberCounter(models.Model):
    """The next badge number of one kind; numbers only ever go up, so none is reused."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=BadgeNumberRange.Kind.choices)
    next_number = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "kind"], name="register_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: next {self.next_number}"


class BanEntry(models.Model):
    """A person this convention does not admit. A registration matching one (see
    selectors.ban_matches_any: accents, case and name order do not matter) is held for review."""

    name = models.CharField(max_length=200, help_text="Legal name, in any order.")
    email = models.EmailField(blank=True)
    birthdate = models.DateField(
        null=True, blank=True, help_text="Empty: the name alone matches (and is reviewed)."
    )
    reason = models.TextField(blank=True)
    # What is matched: the name and email normalized (selectors.normalized_name / _email), set
    # by services.ban_entry_save whenever the entry is saved. Indexed: an order is checked
    # against the whole list in one query.
    name_key = models.CharField(max_length=200, blank=True, editable=False, db_index=True)
    email_key = models.CharField(max_length=254, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = audit_trail(excluded_fields=["name_key", "email_key"])

    class Meta:
        ordering = ["name"]
        verbose_name = "ban-list entry"
        verbose_name_plural = "ban-list entries"
        constraints = [
            # An entry saved around ban_entry_save (without keys) would silently match nobody.
            models.CheckConstraint(
                condition=~Q(name_key="") | ~Q(email_key=""), name="register_ban_entry_has_a_key"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Transfer(models.Model):
    """A paid badge offered to another person by email. The link carries a random secret; only
    its SHA-256 is stored, so the table cannot be turned back into working links."""

    class Kind(models.TextChoices):
        TRANSFER = "transfer", "Transfer"
        ASSIGNMENT = "assignment", "Group badge assignment"

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="transfers"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.TRANSFER)
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # The SHA-256 of the check-in code the accepted handover retired: the door answers "handed
    # over" for the old holder's code instead of "unknown", and the code itself is not kept.
    retired_token_hash = models.CharField(
        max_length=64, blank=True, default="", db_index=True, editable=False
    )
    history = audit_trail()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.registration} → {self.email}"


class Upgrade(models.Model):
    """A paid badge moving to a higher level; ``order`` pays the difference. While that order
    holds places (pending or paid) the new level's place is taken; once paid the badge changes
    level and ``applied_at`` is set."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="upgrade")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="upgrades"
    )
    from_level = models.ForeignKey(BadgeLevel, on_delete=models.PROTECT, related_name="+")
    to_level = models.ForeignKey(BadgeLevel, on_delete=models.PROTECT, related_name="upgrades_in")
    difference = money_field()
    applied_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.registration}: {self.from_level} → {self.to_level}"


class WaitlistEntry(models.Model):
    """One account waiting for a place of a sold-out level, first come first served. An offer
    reserves a place until it expires; its link carries a random secret stored only hashed."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OFFERED = "offered", _("Offer sent")
        USED = "used", _("Offer used")
        EXPIRED = "expired", _("Offer expired")
        LEFT = "left", _("Left the list")

    level = models.ForeignKey(BadgeLevel, on_delete=models.CASCADE, related_name="waitlist")
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    email = models.EmailField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    created_at = models.DateTimeField(auto_now_add=True)
    offer_token_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "waiting-list entry"
        verbose_name_plural = "waiting-list entries"
        constraints = [
            models.UniqueConstraint(
                # Spelled as OR, not IN: the schema clone re-creates indexes from their
                # definition, and PostgreSQL prints an IN list differently once re-parsed.
                fields=["level", "account"],
                condition=Q(status="waiting") | Q(status="offered"),
                name="register_waitlist_once_per_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} for {self.level} ({self.status})"


class AccountLanguage(models.Model):
    """The language an account last used here (on any registration form it sent): the mails the
    worker sends about its orders, badges, transfers and waiting lists are written in it.
    Accounts live in public; the language is kept per convention, with the account as a plain
    id, like the other references to accounts here."""

    account_id = models.BigIntegerField(unique=True)
    language = models.CharField(max_length=10)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.account_id}: {self.language}"
