"""Public-site test data. Create inside ``tenant_context(tenant)``."""

import io
import struct
import zlib

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from front.models import Page, SiteBranding


class SiteBrandingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteBranding

    brand_colour = "#5b21b6"
    brand_text_colour = "#ffffff"
    description = "A weekend of fursuits, panels and dances."


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.Sequence(lambda n: f"page-{n}")
    body = "Be excellent to each other."


def image_upload(
    name: str = "picture.png",
    size: tuple[int, int] = (400, 200),
    *,
    image_format: str = "PNG",
    colour: tuple[int, ...] = (91, 33, 182),
    mode: str = "RGB",
    exif: bytes | None = None,
) -> SimpleUploadedFile:
    """A real image of ``size`` pixels, as a browser would upload it."""
    buffer = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    Image.new(mode, size, colour).save(buffer, format=image_format, **options)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


def png_header_only(width: int, height: int, name: str = "huge.png") -> SimpleUploadedFile:
    """A PNG that claims ``width`` × ``height`` pixels in its header and holds none: what a
    "decompression bomb" looks like until it is decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    content = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")
    return SimpleUploadedFile(name, content, content_type="image/png")
