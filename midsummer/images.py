"""Uploaded images, checked and re-encoded: one place for every app that takes pictures.

Every upload is decoded by Pillow and written anew in a format of our choosing, so what is
stored and served is a plain image of a known size: no metadata (a photo's EXIF, GPS position
included), nothing appended to the file, no SVG (which can carry script). Apps describe what
they accept with an ``ImageRule`` (minimum size and shape), check uploads in their model
fields' validators with ``open_upload`` and store renditions made with ``encode``: the
convention's branding (front/images.py), a dealer's photos of work, a shop's product pictures.

Limits: 5 MB per file, at most 8,000 pixels a side and 40 megapixels (Pillow reads only the
header before we refuse, so a "decompression bomb" is never decoded).
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_SIDE = 8000
MAX_PIXELS = 40_000_000
# Pillow's name of each format we read. GIF is left out: an animation would lose its frames.
ACCEPTED_FORMATS = frozenset({"PNG", "JPEG", "WEBP"})
ACCEPTED_EXTENSIONS = ["png", "jpg", "jpeg", "webp"]
# EXIF orientations of a picture taken with the camera on its side: shown turned by 90°.
TURNED = {5, 6, 7, 8}


@dataclass(frozen=True)
class ImageRule:
    """What an upload of one kind must be, besides a PNG, JPEG or WebP within the limits."""

    min_width: int
    min_height: int
    max_ratio: float  # the longer side at most this many times the shorter
    wide_only: bool = False  # a banner: wider than high

    def problem(self, width: int, height: int) -> ValidationError | None:
        """What is wrong with an image of this size for this use, if anything."""
        size = {"width": width, "height": height}
        if width < self.min_width or height < self.min_height:
            return ValidationError(
                _(
                    "The image is %(width)s × %(height)s pixels; it needs at least "
                    "%(min_width)s × %(min_height)s."
                ),
                code="too_small",
                params=size | {"min_width": self.min_width, "min_height": self.min_height},
            )
        if self.wide_only and height > width:
            return ValidationError(
                _("The image is %(width)s × %(height)s pixels; a banner is wider than high."),
                code="not_wide",
                params=size,
            )
        if max(width, height) > self.max_ratio * min(width, height):
            return ValidationError(
                _(
                    "The image is %(width)s × %(height)s pixels; one side may be at most "
                    "%(ratio)s times the other."
                ),
                code="bad_shape",
                params=size | {"ratio": f"{self.max_ratio:g}"},
            )
        return None


@dataclass(frozen=True)
class Rendition:
    """One stored image: its file name (by content, so a changed image gets a new address that
    no cache has seen) and bytes, with its size in pixels."""

    name: str
    content: bytes
    width: int
    height: int


def open_upload(upload: File, rule: ImageRule) -> Image.Image:
    """The upload as a decoded Pillow image, or ValidationError saying what is wrong with it."""
    size = upload.size or 0
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is %(size)s; at most %(limit)s is accepted."),
            code="file_too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(MAX_UPLOAD_BYTES)},
        )
    not_an_image = ValidationError(
        _("This file is not a PNG, JPEG or WebP image (or it is damaged)."), code="not_an_image"
    )
    too_many_pixels = ValidationError(
        _(
            "The image has too many pixels: at most %(side)s pixels a side and %(megapixels)s "
            "megapixels are accepted."
        ),
        code="too_many_pixels",
        params={"side": MAX_SIDE, "megapixels": MAX_PIXELS // 1_000_000},
    )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns about huge images below twice its own limit: refuse them too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)  # reads the header only
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise not_an_image from None
    if image.format not in ACCEPTED_FORMATS:
        raise not_an_image
    width, height = image.size
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise too_many_pixels
    try:
        image.load()  # decodes it: a truncated or corrupt file fails here
        # (A PNG's EXIF may follow its pixels, so the orientation is read once decoded.)
        turned = image.getexif().get(ExifTags.Base.Orientation) in TURNED
    except (OSError, ValueError, SyntaxError):
        raise not_an_image from None
    finally:
        upload.seek(0)
    if turned:
        width, height = height, width  # judged as it will be shown (exif_transpose, below)
    if problem := rule.problem(width, height):
        raise problem
    return ImageOps.exif_transpose(image)  # a phone photo the right way up


def is_new_upload(value: object) -> bool:
    """A FieldFile whose file came from the form or the service and is not stored yet (a
    stored one was checked when it was uploaded)."""
    return bool(value) and not getattr(value, "_committed", True)


def to_check(value: File) -> bool:
    # A file with another extension is refused by the field's extension validator already:
    # one message is enough.
    extension = Path(value.name or "").suffix.lower().removeprefix(".")
    return is_new_upload(value) and extension in ACCEPTED_EXTENSIONS


def encode(image: Image.Image, stem: str, image_format: str, **options: object) -> Rendition:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    content = buffer.getvalue()
    digest = hashlib.sha256(content).hexdigest()[:16]
    extension = {"PNG": "png", "WEBP": "webp", "JPEG": "jpg"}[image_format]
    return Rendition(f"{stem}-{digest}.{extension}", content, *image.size)


def on_white(image: Image.Image) -> Image.Image:
    """RGB, with any transparency laid on white (JPEG and our WebP banner have no alpha)."""
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
