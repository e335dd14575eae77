"""The dealers' den of an event: its hall and table types, dealers' applications, the jury's
scores. People are referred to by ``account_id`` (accounts live in the public schema)."""

from __future__ import annotations

import secrets

from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from event.models import Event
from midsummer.images import ACCEPTED_EXTENSIONS
from payments.models import Provider
from register.models import BadgeLevel, Registration, audit_trail, money_field
from vendors.photos import check_photo


class VendorSettings(models.Model):
    """The vendor lead's settings for one event's hall."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="vendor_settings")
    hall_tables = models.PositiveIntegerField(
        _("tables in the hall"), help_text=_("Every table the hall has for dealers.")
    )
    max_tables_per_dealer = models.PositiveSmallIntegerField(
        _("most tables per dealer"), default=2, validators=[MinValueValidator(1)]
    )
    opens_at = models.DateTimeField(_("applications open"))
    closes_at = models.DateTimeField(_("applications close"))
    payment_days = models.PositiveSmallIntegerField(
        _("days to pay"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_(
            "An approved dealer pays within this many days, or goes back to the waiting list."
        ),
    )
    currency = models.CharField(max_length=3, default="USD")
    remind_days = models.PositiveSmallIntegerField(
        _("reminder before the deadline (days)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("An approved dealer who has not paid is reminded this many days before."),
    )
    partners_per_table = models.PositiveSmallIntegerField(
        _("partners per table"),
        default=1,
        help_text=_("Assistants a dealer may bring for each table, each with a partner badge."),
    )
    partner_price = money_field(
        default=0,
        verbose_name=_("partner badge price"),
        help_text=_("What each partner's badge adds to the invoice."),
    )
    badge_level = models.ForeignKey(
        BadgeLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dealers' badge level"),
        help_text=_(
            "The level of the badges of paid dealers and their partners (badge kind dealer: "
            "numbers from the event's dealer range). Empty: no badges come with a table."
        ),
    )

    class Meta:
        verbose_name = _("dealers' den settings")
        verbose_name_plural = _("dealers' den settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="vendors_window_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"Dealers' den of {self.event}"


class TableType(models.Model):
    """What a dealer buys: "Half table" (1 hall table), "Double" (2), each at its price."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="vendor_table_types")
    name = models.CharField(_("name"), max_length=100)
    price = money_field(verbose_name=_("price"))
    hall_tables = models.PositiveSmallIntegerField(
        _("hall tables each"), default=1, validators=[MinValueValidator(1)]
    )

    class Meta:
        ordering = ["price"]
        verbose_name = _("table type")
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="vendors_table_type_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Extra(models.Model):
    """Something a dealer adds to their tables at a price: power, wifi, an extra chair."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="vendor_extras")
    name = models.CharField(_("name"), max_length=100)
    price = money_field(verbose_name=_("price"))

    class Meta:
        ordering = ["price", "name"]
        verbose_name = _("table extra")
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="vendors_extra_unique"),
        ]

    def __str__(self) -> str:
        return self.name


def new_invoice_reference() -> str:
    return "V" + secrets.token_hex(5).upper()


class Application(models.Model):
    """A dealer's application, and once approved their invoice. States (``vendors/states.py``):
    pending → approved / waitlisted / declined; waitlisted → approved / declined; approved →
    paid / waitlisted (deadline missed) / cancelled; paid → cancelled."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved: invoice to pay")
        WAITLISTED = "waitlisted", _("On the waiting list")
        DECLINED = "declined", _("Declined")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="vendor_applications")
    account_id = models.BigIntegerField(db_index=True)
    business_name = models.CharField(_("business name"), max_length=200)
    contact_name = models.CharField(_("contact name"), max_length=200)
    website = models.URLField(_("website"), blank=True)
    wares = models.TextField(_("what you sell"), max_length=2000)
    categories = models.CharField(
        _("categories"), max_length=200, blank=True, help_text=_("e.g. prints, plush, jewellery")
    )
    table_type = models.ForeignKey(TableType, on_delete=models.PROTECT, related_name="+")
    tables = models.PositiveSmallIntegerField(
        _("how many"), default=1, validators=[MinValueValidator(1)]
    )
    extras = models.ManyToManyField(Extra, blank=True, related_name="+", verbose_name=_("extras"))
    partners = models.PositiveSmallIntegerField(
        _("partners"),
        default=0,
        help_text=_("Assistants who work your table (each needs a badge)."),
    )
    seat_near = models.CharField(
        _("seat me near"),
        max_length=300,
        blank=True,
        help_text=_("Business names of dealers you would like to sit near, separated by commas."),
    )
    seat_far = models.CharField(
        _("seat me away from"),
        max_length=300,
        blank=True,
        help_text=_("Business names of dealers you would rather not sit next to."),
    )
    seating = models.CharField(
        _("other seating requests"),
        max_length=300,
        blank=True,
        help_text=_("e.g. near the entrance, a wall behind the table"),
    )
    tax_id = models.CharField(_("tax or licence number"), max_length=60, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    # Hall tables this application holds: set on approval, freed when it leaves approved/paid.
    hall_tables = models.PositiveSmallIntegerField(default=0)
    reference = models.CharField(
        max_length=16, unique=True, default=new_invoice_reference, editable=False
    )
    total = money_field(default=0)
    due_at = models.DateTimeField(null=True, blank=True)
    provider = models.CharField(max_length=12, choices=Provider.choices, blank=True)
    provider_reference = models.CharField(max_length=255, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    refunded_total = money_field(default=0)
    # The labels of the hall tables it was placed on ("A12 A13"), kept with the application for
    # the den's list and the mails; the hall's ``HallTable`` rows are the truth.
    table_numbers = models.CharField(_("table numbers"), max_length=60, blank=True, editable=False)
    submission = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = audit_trail()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("dealer application")
        permissions = [
            ("review_application", "Score dealer applications"),
            ("decide_application", "Approve, waitlist or decline dealer applications"),
            ("place_dealers", "Place paid dealers on the hall's tables"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "account_id"], name="vendors_one_application_per_account"
            ),
            models.CheckConstraint(condition=Q(tables__gte=1), name="vendors_at_least_a_table"),
        ]

    def __str__(self) -> str:
        return self.business_name


class Review(models.Model):
    """One juror's score of an application; the others' stay hidden from them until they send
    their own."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer_id = models.BigIntegerField()
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer_id"], name="vendors_one_review_each"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="vendors_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score}/5 for {self.application}"


class HallTable(models.Model):
    """One numbered table of the hall's layout, at a row and column of its grid; the dealer
    placed on it, if any."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="vendor_hall_tables")
    label = models.CharField(_("table"), max_length=10)
    row = models.PositiveSmallIntegerField()
    column = models.PositiveSmallIntegerField()
    application = models.ForeignKey(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hall_seats",
    )

    class Meta:
        ordering = ["row", "column"]
        verbose_name = _("hall table")
        constraints = [
            models.UniqueConstraint(fields=["event", "label"], name="vendors_hall_label_unique"),
            models.UniqueConstraint(
                fields=["event", "row", "column"], name="vendors_hall_place_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Photo(models.Model):
    """A picture of a dealer's work, re-encoded on upload (``vendors/photos.py``)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(
        _("photo"),
        upload_to="vendors/photos/",
        validators=[FileExtensionValidator(ACCEPTED_EXTENSIONS), check_photo],
        help_text=_("PNG, JPEG or WebP, at least 400 × 400 pixels, at most 5 MB."),
    )
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("photo of work")

    def __str__(self) -> str:
        return f"Photo of {self.application}"


class DealerBadge(models.Model):
    """A badge that came with a paid table: the dealer's or a partner's, a registration issued
    through ``register``'s services (and cancelled there when the table is)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="badges")
    registration = models.OneToOneField(Registration, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Badge of {self.application}"
