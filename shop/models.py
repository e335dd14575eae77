"""The convention's merch shop: products and their variants, quotas (pretix's model: one quota
may cover several variants or products, a variant may count against several quotas), orders
and their lines with what was handed out at the merch desk."""

from __future__ import annotations

import secrets

from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from event.models import Event
from midsummer.images import ACCEPTED_EXTENSIONS
from payments.models import Provider
from register.models import BadgeLevel, audit_trail, money_field
from shop.pictures import check_picture


class Product(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="shop_products")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    visible_from = models.DateTimeField(_("on sale from"), null=True, blank=True)
    visible_until = models.DateTimeField(_("on sale until"), null=True, blank=True)
    per_order_limit = models.PositiveSmallIntegerField(
        _("most per order"), default=10, validators=[MinValueValidator(1)]
    )
    per_person_limit = models.PositiveSmallIntegerField(
        _("most per person"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    badge_holders_only = models.BooleanField(
        _("for badge holders only"), default=False, help_text=_("e.g. a sponsor pin.")
    )
    badge_levels = models.ManyToManyField(
        BadgeLevel,
        blank=True,
        related_name="+",
        verbose_name=_("only for these badge levels"),
        help_text=_("Empty: anyone (or any badge holder, above). e.g. Sponsor for a sponsor pin."),
    )
    picture = models.FileField(
        _("picture"),
        upload_to="shop/",
        blank=True,
        validators=[FileExtensionValidator(ACCEPTED_EXTENSIONS), check_picture],
        help_text=_(
            "PNG, JPEG or WebP, at least 300 × 300 pixels, at most 5 MB; shown at most "
            "800 pixels wide."
        ),
    )
    picture_width = models.PositiveIntegerField(default=0, editable=False)
    picture_height = models.PositiveIntegerField(default=0, editable=False)
    picture_alt = models.CharField(
        _("picture description"),
        max_length=200,
        blank=True,
        help_text=_("What the picture shows, for people who cannot see it."),
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("product")

    def __str__(self) -> str:
        return self.name


class Variant(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. M, or Blue / L"))
    price = money_field(verbose_name=_("price"))
    badge_holder_price = money_field(
        null=True,
        blank=True,
        verbose_name=_("badge holders' price"),
        help_text=_("What someone with a paid badge pays. Empty: the price."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("variant")

    def __str__(self) -> str:
        return f"{self.product.name} — {self.name}" if self.name else self.product.name


class BundleItem(models.Model):
    """A bundle ("Sponsor pack") is a product whose order also takes these pieces: each counts
    against its own quotas and is handed out at the desk as a line of its own."""

    bundle = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="bundle_items")
    # RESTRICT: a variant in a bundle stays, unless the bundle is deleted with it.
    variant = models.ForeignKey(
        Variant, on_delete=models.RESTRICT, related_name="+", verbose_name=_("item")
    )
    quantity = models.PositiveSmallIntegerField(
        _("pieces"), default=1, validators=[MinValueValidator(1)]
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("item in the bundle")
        constraints = [
            models.UniqueConstraint(fields=["bundle", "variant"], name="shop_bundle_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.variant}"


class Quota(models.Model):
    """``size`` pieces across the variants it covers; orders that hold stock (paid, or pending
    with a hold that has not run out) count against it."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="shop_quotas")
    name = models.CharField(_("name"), max_length=100)
    size = models.PositiveIntegerField(_("pieces"))
    variants = models.ManyToManyField(Variant, related_name="quotas")
    low_stock = models.PositiveIntegerField(
        _("low stock below"), default=5, help_text=_("Flagged in the admin under this many.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("quota")

    def __str__(self) -> str:
        return f"{self.name} ({self.size})"


def new_shop_reference() -> str:
    return "S" + secrets.token_hex(5).upper()


def new_pickup_token() -> str:
    return secrets.token_urlsafe(24)


class ShopOrder(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending payment")
        PAID = "paid", _("Paid")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="shop_orders")
    account_id = models.BigIntegerField(db_index=True)
    reference = models.CharField(
        max_length=16, unique=True, default=new_shop_reference, editable=False
    )
    # The pickup code's secret: the QR code carries it, never guessable from the reference.
    pickup_token = models.CharField(
        max_length=64, unique=True, default=new_pickup_token, editable=False
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    provider = models.CharField(max_length=12, choices=Provider.choices)
    provider_reference = models.CharField(max_length=255, blank=True)
    currency = models.CharField(max_length=3)
    total = money_field()
    refunded_total = money_field(default=0)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    submission = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    history = audit_trail()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("shop order")
        permissions = [("hand_out", "Hand out merch at the desk")]
        constraints = [
            models.UniqueConstraint(
                fields=["account_id", "submission"],
                condition=~Q(submission=""),
                name="shop_order_one_per_submission",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class OrderLine(models.Model):
    order = models.ForeignKey(ShopOrder, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(Variant, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    price = money_field()  # each, frozen when ordered
    picked_up = models.PositiveSmallIntegerField(default=0)
    # Pieces refunded: back in stock (they no longer count against the quotas).
    refunded = models.PositiveSmallIntegerField(default=0)
    # A bundle's items are lines of their own (priced 0, handed out one by one), part of it.
    part_of = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="parts"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(picked_up__lte=F("quantity")), name="shop_never_hand_out_more"
            ),
            models.CheckConstraint(
                condition=Q(refunded__lte=F("quantity")), name="shop_never_refund_more"
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="shop_line_has_pieces"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.variant}"
