"""A product's picture: checked and re-encoded by the platform's image code
(midsummer/images.py) — a PNG, JPEG or WebP of at least ``PICTURE`` size, stored as a WebP
within ``PICTURE_BOX`` with no metadata."""

from __future__ import annotations

from django.core.files import File
from PIL import Image

from midsummer.images import ImageRule, Rendition, encode, on_white, open_upload, to_check

PICTURE = ImageRule(min_width=300, min_height=300, max_ratio=3)
PICTURE_BOX = (800, 800)


def check_picture(value: File) -> None:
    if to_check(value):
        open_upload(value, PICTURE)


def picture_rendition(upload: File) -> Rendition:
    image: Image.Image = on_white(open_upload(upload, PICTURE))
    image.thumbnail(PICTURE_BOX, Image.Resampling.LANCZOS)
    return encode(image, "product", "WEBP", quality=82, method=4)
