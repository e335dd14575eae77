"""Photos of a dealer's work: what the jury looks at. Checked and re-encoded by the platform's
image code (midsummer/images.py): a PNG, JPEG or WebP of at least ``PHOTO`` size, stored as a
WebP within ``PHOTO_BOX`` with no metadata (a phone photo's GPS position stays with the phone)."""

from __future__ import annotations

from django.core.files import File
from PIL import Image

from midsummer.images import ImageRule, Rendition, encode, on_white, open_upload, to_check

PHOTO = ImageRule(min_width=400, min_height=400, max_ratio=4)
PHOTO_BOX = (1200, 1200)
PHOTOS_PER_APPLICATION = 4


def check_photo(value: File) -> None:
    if to_check(value):
        open_upload(value, PHOTO)


def photo_rendition(upload: File) -> Rendition:
    image: Image.Image = on_white(open_upload(upload, PHOTO))
    image.thumbnail(PHOTO_BOX, Image.Resampling.LANCZOS)
    return encode(image, "work", "WEBP", quality=82, method=4)
