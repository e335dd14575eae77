"""The images of a convention's site (logo, banner, favicon): checked, resized and re-encoded.

The checks and the encoding are the platform's (midsummer/images.py); this module says what a
logo, a banner and a favicon must be and which renditions the site shows. The checks run as the
model fields' validators (``SiteBranding.full_clean``: the admin's form and the service alike);
``front.services.branding_save`` makes the renditions.
"""

from __future__ import annotations

from django.core.files import File
from PIL import Image, ImageOps

from midsummer.images import (
    ACCEPTED_EXTENSIONS,
    ImageRule,
    Rendition,
    encode,
    is_new_upload,
    on_white,
    open_upload,
    to_check,
)

__all__ = ["ACCEPTED_EXTENSIONS", "Rendition", "is_new_upload", "open_upload"]

# What the site shows: the logo at most 160 px high (the header shows it at 48 CSS px, so this
# is sharp on screens of up to three device pixels per CSS pixel); the banner within 1600×600;
# the social preview at the 1200×630 that Facebook, Mastodon and Bluesky crop to; the favicon
# at 32 px and, for phones' home screens, 180 px.
LOGO_BOX = (640, 160)
BANNER_BOX = (1600, 600)
SOCIAL_SIZE = (1200, 630)
FAVICON_SIZE = 32
TOUCH_ICON_SIZE = 180


LOGO = ImageRule(min_width=32, min_height=32, max_ratio=6)
BANNER = ImageRule(min_width=800, min_height=200, max_ratio=6, wide_only=True)
# Not square is fine (it is padded), but it must stay sharp on a phone's home screen.
FAVICON = ImageRule(min_width=TOUCH_ICON_SIZE, min_height=TOUCH_ICON_SIZE, max_ratio=1.5)


def check_logo(value: File) -> None:
    if to_check(value):
        open_upload(value, LOGO)


def check_banner(value: File) -> None:
    if to_check(value):
        open_upload(value, BANNER)


def check_favicon(value: File) -> None:
    if to_check(value):
        open_upload(value, FAVICON)


def logo_rendition(image: Image.Image) -> Rendition:
    """PNG (keeps transparency), scaled down to fit ``LOGO_BOX``; never scaled up."""
    logo = image.convert("RGBA")
    logo.thumbnail(LOGO_BOX, Image.Resampling.LANCZOS)
    return encode(logo, "logo", "PNG", optimize=True)


def banner_renditions(image: Image.Image) -> tuple[Rendition, Rendition]:
    """The banner as WebP within ``BANNER_BOX`` (never scaled up), and the social preview:
    a JPEG of exactly ``SOCIAL_SIZE``, cut from the middle of the banner."""
    photo = on_white(image)
    banner = photo.copy()
    banner.thumbnail(BANNER_BOX, Image.Resampling.LANCZOS)
    social = ImageOps.fit(photo, SOCIAL_SIZE, Image.Resampling.LANCZOS)
    return (
        encode(banner, "banner", "WEBP", quality=82, method=4),
        encode(social, "social", "JPEG", quality=85, optimize=True, progressive=True),
    )


def favicon_renditions(image: Image.Image) -> tuple[Rendition, Rendition]:
    """Square PNGs of ``FAVICON_SIZE`` and ``TOUCH_ICON_SIZE`` (a non-square image is padded
    with transparency, not cut)."""
    icon = image.convert("RGBA")
    small, touch = (
        ImageOps.pad(icon, (side, side), Image.Resampling.LANCZOS, color=(0, 0, 0, 0))
        for side in (FAVICON_SIZE, TOUCH_ICON_SIZE)
    )
    return (
        encode(small, f"favicon-{FAVICON_SIZE}", "PNG", optimize=True),
        encode(touch, f"favicon-{TOUCH_ICON_SIZE}", "PNG", optimize=True),
    )
