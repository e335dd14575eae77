"""The demo conventions' pictures, drawn with Pillow (nothing downloaded): a logo, a banner with
the convention's name and a favicon, in the convention's colours, with its motif (paw prints
for Furrydelphia, sound waves and a star burst for Uproar). The same input always gives the
same picture, so seeding twice stores the same files."""

from __future__ import annotations

import io
import math
from collections.abc import Callable

from PIL import Image, ImageDraw, ImageFont

RGB = tuple[int, int, int]
# Shapes are drawn at this multiple of the final size and scaled down: smooth edges.
SUPERSAMPLE = 3
WHITE = (255, 255, 255)


def rgb(colour: str) -> RGB:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def _mix(first: RGB, second: RGB, share: float) -> RGB:
    """``share`` of ``second`` mixed into ``first``."""
    return (
        round(first[0] + (second[0] - first[0]) * share),
        round(first[1] + (second[1] - first[1]) * share),
        round(first[2] + (second[2] - first[2]) * share),
    )


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's own scalable font: present wherever Pillow is, so the demo looks the same on
    # every machine.
    return ImageFont.load_default(size=size)


def paw(draw: ImageDraw.ImageDraw, cx: float, cy: float, size: float, fill: tuple) -> None:
    """A paw print centred on (cx, cy), ``size`` across: a pad and four toes."""
    pad_w, pad_h = size * 0.52, size * 0.42
    pad_top = cy - size * 0.02
    draw.ellipse([cx - pad_w / 2, pad_top, cx + pad_w / 2, pad_top + pad_h], fill=fill)
    toe = size * 0.2
    for dx, dy in ((-0.36, -0.06), (-0.13, -0.32), (0.13, -0.32), (0.36, -0.06)):
        x, y = cx + dx * size, cy + dy * size
        draw.ellipse([x - toe / 2, y - toe * 0.6, x + toe / 2, y + toe * 0.6], fill=fill)


def burst(draw: ImageDraw.ImageDraw, cx: float, cy: float, size: float, fill: tuple) -> None:
    """A twelve-pointed star burst centred on (cx, cy), ``size`` across."""
    outer, inner = size / 2, size * 0.34
    points = [
        (
            cx + (outer if i % 2 == 0 else inner) * math.cos(math.pi * i / 12 - math.pi / 2),
            cy + (outer if i % 2 == 0 else inner) * math.sin(math.pi * i / 12 - math.pi / 2),
        )
        for i in range(24)
    ]
    draw.polygon(points, fill=fill)


MOTIFS: dict[str, Callable[[ImageDraw.ImageDraw, float, float, float, tuple], None]] = {
    "paw": paw,
    "burst": burst,
}


def emblem(*, side: int, colour: str, motif: str) -> Image.Image:
    """The convention's mark: its motif in white on a disc of its colour (transparent around),
    ``side`` pixels square."""
    big = side * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    brand = rgb(colour)
    draw.ellipse([0, 0, big - 1, big - 1], fill=(*WHITE, 255))
    edge = big * 0.06
    draw.ellipse([edge, edge, big - 1 - edge, big - 1 - edge], fill=(*brand, 255))
    MOTIFS[motif](draw, big / 2, big / 2 + big * 0.04, big * 0.62, (*WHITE, 255))
    return image.resize((side, side), Image.Resampling.LANCZOS)


def logo_png(*, colour: str, motif: str) -> bytes:
    return _png(emblem(side=320, colour=colour, motif=motif))


def favicon_png(*, colour: str, motif: str) -> bytes:
    return _png(emblem(side=256, colour=colour, motif=motif))


def banner_png(*, colour: str, motif: str, name: str, tagline: str) -> bytes:
    """1600×600: a diagonal gradient of the convention's colour, its motif scattered faintly
    (paws) or as sound waves (bursts), the name large and a tagline under it."""
    width, height = 1600, 600
    brand = rgb(colour)
    dark, light = _mix(brand, (0, 0, 0), 0.45), _mix(brand, WHITE, 0.18)
    big_w, big_h = width * SUPERSAMPLE, height * SUPERSAMPLE
    # The gradient, drawn small and scaled up (smooth, and quick).
    gradient = Image.new("RGB", (64, 24))
    gradient.putdata(
        [
            _mix(light, dark, min(1.0, (x / 63) * 0.75 + (y / 23) * 0.35))
            for y in range(24)
            for x in range(64)
        ]
    )
    image = gradient.resize((big_w, big_h), Image.Resampling.BICUBIC).convert("RGBA")
    shapes = Image.new("RGBA", (big_w, big_h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(shapes)
    faint = (*WHITE, 40)
    if motif == "paw":
        # A trail of paw prints along the bottom, under the name, then up to the right.
        for step in range(10):
            share = step / 9
            rise = max(0.0, (share - 0.45) / 0.55)
            x = big_w * (0.06 + share * 0.88)
            y = big_h * (0.84 - rise * 0.66) + (big_h * 0.05 if step % 2 else 0)
            paw(draw, x, y, big_h * 0.17, faint)
    else:
        # Sound waves from a burst at the right edge.
        cx, cy = big_w * 0.93, big_h * 0.5
        for ring in range(2, 9):
            radius = big_h * 0.16 * ring
            draw.arc(
                [cx - radius, cy - radius, cx + radius, cy + radius],
                start=100,
                end=260,
                fill=faint,
                width=round(big_h * 0.025),
            )
        burst(draw, cx, cy, big_h * 0.28, (*WHITE, 70))
    image = Image.alpha_composite(image, shapes).resize((width, height), Image.Resampling.LANCZOS)
    text = ImageDraw.Draw(image)
    title = _font(150)
    text.text(
        (110, 300), name, font=title, fill=WHITE, anchor="ls", stroke_width=4, stroke_fill=WHITE
    )
    text.text((116, 390), tagline, font=_font(46), fill=_mix(WHITE, brand, 0.08), anchor="ls")
    text.rectangle([116, 430, 316, 440], fill=WHITE)
    return _png(image.convert("RGB"))
