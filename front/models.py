"""What a convention's public site looks like: its branding and its content pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from front import images
from front.colours import HEX_COLOUR, MIN_CONTRAST, contrast_ratio
from front.social import SOCIAL_NETWORKS, SocialLink, social_link_error

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

hex_colour = RegexValidator(HEX_COLOUR, _("Enter a colour as #rrggbb, e.g. #1d4ed8."))

DEFAULT_BRAND_COLOUR = "#1e3a5f"
DEFAULT_BRAND_TEXT_COLOUR = "#ffffff"


class SiteBranding(models.Model):
    """The convention's look (one row per tenant schema)."""

    # The uploaded files are replaced by the renditions of front/images.py when saved
    # (branding_save); the *_width/_height fields and the derived files are set there too.
    logo = models.FileField(
        _("logo"),
        upload_to="branding/",
        blank=True,
        validators=[FileExtensionValidator(images.ACCEPTED_EXTENSIONS), images.check_logo],
        help_text=_(
            "PNG, JPEG or WebP, at most 5 MB; a transparent PNG looks best. Shown in the site "
            "header, stored at most 160 pixels high."
        ),
    )
    logo_width = models.PositiveIntegerField(default=0, editable=False)
    logo_height = models.PositiveIntegerField(default=0, editable=False)
    banner = models.FileField(
        _("banner"),
        upload_to="branding/",
        blank=True,
        validators=[FileExtensionValidator(images.ACCEPTED_EXTENSIONS), images.check_banner],
        help_text=_(
            "A wide picture for the top of the home page and for previews of links shared on "
            "social media: PNG, JPEG or WebP, at least 800 × 200 pixels, at most 5 MB. Stored "
            "at most 1600 × 600."
        ),
    )
    banner_alt = models.CharField(
        _("banner description"),
        max_length=200,
        blank=True,
        help_text=_(
            "What the banner shows, for people who cannot see it (read aloud by screen "
            "readers). Needed when there is a banner."
        ),
    )
    banner_width = models.PositiveIntegerField(default=0, editable=False)
    banner_height = models.PositiveIntegerField(default=0, editable=False)
    social_image = models.FileField(upload_to="branding/", blank=True, editable=False)
    favicon = models.FileField(
        _("favicon"),
        upload_to="branding/",
        blank=True,
        validators=[FileExtensionValidator(images.ACCEPTED_EXTENSIONS), images.check_favicon],
        help_text=_(
            "The little picture in the browser tab and on phones' home screens: PNG, JPEG or "
            "WebP, square, at least 180 × 180 pixels."
        ),
    )
    touch_icon = models.FileField(upload_to="branding/", blank=True, editable=False)
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
    contact_email = models.EmailField(
        _("contact e-mail"), blank=True, help_text=_("Shown at the foot of every page.")
    )
    website_url = models.URLField(_("website"), blank=True)
    mastodon_url = models.URLField(
        "Mastodon", blank=True, help_text=_("Your profile, e.g. https://mastodon.social/@name")
    )
    bluesky_url = models.URLField(
        "Bluesky", blank=True, help_text=_("Your profile, e.g. https://bsky.app/profile/name")
    )
    instagram_url = models.URLField(
        "Instagram", blank=True, help_text=_("Your profile, e.g. https://www.instagram.com/name")
    )
    telegram_url = models.URLField(
        "Telegram", blank=True, help_text=_("Your channel or group, e.g. https://t.me/name")
    )
    discord_url = models.URLField(
        "Discord", blank=True, help_text=_("An invitation, e.g. https://discord.gg/code")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("site branding")
        verbose_name_plural = _("site branding")

    def __str__(self) -> str:
        return str(_("Site branding"))

    @property
    def social_links(self) -> list[SocialLink]:
        """The footer's links to the convention's profiles, in a fixed order."""
        return [
            SocialLink(network, url)
            for network in SOCIAL_NETWORKS
            if (url := getattr(self, network.field))
        ]

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        for network in SOCIAL_NETWORKS:
            if problem := social_link_error(network, getattr(self, network.field)):
                errors[network.field] = problem
        if self.banner and not self.banner_alt.strip():
            errors["banner_alt"] = _(
                "Describe the banner in a few words, for people who cannot see it."
            )
        colours = (self.brand_colour, self.brand_text_colour)
        if all(HEX_COLOUR.match(c or "") for c in colours):
            ratio = contrast_ratio(*colours)
            if ratio < MIN_CONTRAST:
                errors["brand_text_colour"] = _(
                    "The text colour has a contrast of %(ratio).2f:1 against the brand "
                    "colour; at least %(minimum).1f:1 is needed so everyone can read it."
                ) % {"ratio": ratio, "minimum": MIN_CONTRAST}
        if errors:
            raise ValidationError(errors)


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
