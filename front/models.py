"""What a convention's public site looks like: its branding and its content pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from front.colours import HEX_COLOUR, MIN_CONTRAST, contrast_ratio

hex_colour = RegexValidator(HEX_COLOUR, _("Enter a colour as #rrggbb, e.g. #1d4ed8."))

DEFAULT_BRAND_COLOUR = "#1e3a5f"
DEFAULT_BRAND_TEXT_COLOUR = "#ffffff"


class SiteBranding(models.Model):
    """The convention's look (one row per tenant schema)."""

    logo = models.FileField(
        upload_to="branding/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "webp", "gif"])],
        help_text=_("PNG, JPEG, WebP or GIF. Shown in the site header."),
    )
    brand_colour = models.CharField(
        _("brand colour"),
        max_length=7,
        default=DEFAULT_BRAND_COLOUR,
        validators=[hex_colour],
        help_text=_("Background of the header and buttons, as #rrggbb."),
    )
    brand_text_colour = models.CharField(
        _("text on brand colour"),
        max_length=7,
        default=DEFAULT_BRAND_TEXT_COLOUR,
        validators=[hex_colour],
        help_text=_("Text on the brand colour; needs a contrast of at least 4.5:1 (WCAG AA)."),
    )
    description = models.TextField(
        _("short description"),
        max_length=600,
        blank=True,
        help_text=_("One or two sentences on the home page and in the directory."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("site branding")
        verbose_name_plural = _("site branding")

    def __str__(self) -> str:
        return str(_("Site branding"))

    def clean(self) -> None:
        colours = (self.brand_colour, self.brand_text_colour)
        if all(HEX_COLOUR.match(c or "") for c in colours):
            ratio = contrast_ratio(*colours)
            if ratio < MIN_CONTRAST:
                raise ValidationError(
                    {
                        "brand_text_colour": _(
                            "The text colour has a contrast of %(ratio).2f:1 against the brand "
                            "colour; at least %(minimum).1f:1 is needed so everyone can read it."
                        )
                        % {"ratio": ratio, "minimum": MIN_CONTRAST}
                    }
                )


class Page(models.Model):
    """A content page such as Code of conduct, Hotel or FAQ, written in Markdown."""

    title = models.CharField(_("title"), max_length=80)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    body = models.TextField(
        _("text"), help_text=_("Markdown. HTML is limited to safe formatting; scripts are removed.")
    )
    nav_order = models.PositiveSmallIntegerField(
        _("position in the navigation"), default=10, help_text=_("Smaller comes first.")
    )
    is_published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["nav_order", "title"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("page", args=[self.slug])
