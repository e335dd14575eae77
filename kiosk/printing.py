"""Badge PDFs (reportlab): one badge per page on CR80 cards or A6, or four A6 badges on an A4
sheet. Each badge: the level's ribbon in its colour, the convention's logo and name, the badge
name in large type, the number and level, and the signed check-in QR code (segno's matrix drawn
as vector squares, so it prints sharp at any size)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import segno
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

CR80 = (85.6 * mm, 53.98 * mm)  # ID-1 card, landscape
PAGE_SIZES = {"cr80": CR80, "a6": A6, "a4x4": A4}


@dataclass(frozen=True)
class BadgeFace:
    convention: str
    badge_name: str
    legal_name: str
    number: str
    level: str
    ribbon: str
    colour: str
    code: str  # what the QR code carries


def _fit(text: str, font: str, size: float, width: float, smallest: float = 6) -> float:
    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def _qr(canvas: Canvas, code: str, x: float, y: float, side: float) -> None:
    qr = segno.make(code, error="m")
    rows = list(qr.matrix_iter(scale=1, border=2))
    cell = side / len(rows)
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, side, side, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if dark:
                canvas.rect(x + c * cell, y + side - (r + 1) * cell, cell, cell, stroke=0, fill=1)


def _logo(canvas: Canvas, logo: ImageReader, x: float, top: float, height: float) -> float:
    """Draw the logo ``height`` high with its top left at (x, top); returns its width."""
    image_w, image_h = logo.getSize()
    width = float(height * image_w / image_h)
    canvas.drawImage(logo, x, top - height, width, height, mask="auto")
    return width


def _badge(
    canvas: Canvas,
    face: BadgeFace,
    x: float,
    y: float,
    w: float,
    h: float,
    logo: ImageReader | None = None,
) -> None:
    """One badge in the box (x, y, w, h): ribbon at the bottom, text top left, QR right."""
    pad = min(w, h) * 0.06
    ribbon_h = h * 0.18
    colour = colors.HexColor(face.colour)
    canvas.setFillColor(colour)
    canvas.rect(x, y, w, ribbon_h, stroke=0, fill=1)
    light = (colour.red * 299 + colour.green * 587 + colour.blue * 114) / 1000 > 0.6
    canvas.setFillColor(colors.black if light else colors.white)
    ribbon_size = _fit(face.ribbon.upper(), "Helvetica-Bold", ribbon_h * 0.55, w - 2 * pad)
    canvas.setFont("Helvetica-Bold", ribbon_size)
    canvas.drawCentredString(x + w / 2, y + ribbon_h / 2 - ribbon_size / 3, face.ribbon.upper())

    portrait = h > w
    qr_side = min(h - ribbon_h - 2 * pad, w * 0.42) if not portrait else w * 0.45
    _qr(canvas, face.code, x + w - pad - qr_side, y + ribbon_h + pad, qr_side)

    text_w = w - 2 * pad if portrait else w - qr_side - 3 * pad
    top = y + h - pad
    canvas.setFillColor(colors.HexColor("#334155"))
    size = h * 0.07 if not portrait else w * 0.06
    convention_x = x + pad
    if logo is not None:  # the name follows the logo on its line
        logo_w = _logo(canvas, logo, x + pad, top + size * 0.3, size * 1.6)
        convention_x += logo_w + pad * 0.5
    size = _fit(face.convention, "Helvetica", size, text_w - (convention_x - x - pad))
    canvas.setFont("Helvetica", size)
    canvas.drawString(convention_x, top - size, face.convention)
    canvas.setFillColor(colors.black)
    target = h * 0.16 if not portrait else w * 0.14
    name_size = _fit(face.badge_name, "Helvetica-Bold", target, text_w)
    lines = [face.badge_name]
    if name_size < target * 0.6:  # a long name: two lines in larger type
        name_size = target * 0.6
        lines = simpleSplit(face.badge_name, "Helvetica-Bold", name_size, text_w)
        while len(lines) > 2 and name_size > 6:  # never drop a word: smaller type instead
            name_size -= 0.5
            lines = simpleSplit(face.badge_name, "Helvetica-Bold", name_size, text_w)
    canvas.setFont("Helvetica-Bold", name_size)
    name_y = top - size - pad * 0.5
    for line in lines:
        name_y -= name_size * 1.05
        canvas.drawString(x + pad, name_y, line)
    small = _fit(face.level, "Helvetica", h * 0.065, text_w)
    canvas.setFont("Helvetica", small)
    canvas.drawString(x + pad, name_y - small * 1.6, face.level)
    canvas.setFont("Helvetica-Bold", small * 1.3)
    canvas.drawString(x + pad, y + ribbon_h + pad, f"#{face.number}")
    canvas.setStrokeColor(colors.HexColor("#cbd5e1"))
    canvas.rect(x, y, w, h, stroke=1, fill=0)


def badges_pdf(
    faces: Sequence[BadgeFace], *, size: str = "cr80", logo: bytes | None = None
) -> bytes:
    """A PDF of the badges: one per page (``cr80``, ``a6``) or four per A4 sheet (``a4x4``),
    with the convention's ``logo`` (image bytes) on each when it has one."""
    if size not in PAGE_SIZES:
        raise ValueError(f"Unknown badge stock {size!r}.")
    image = ImageReader(io.BytesIO(logo)) if logo else None
    buffer = io.BytesIO()
    page_w, page_h = PAGE_SIZES[size]
    canvas = Canvas(buffer, pagesize=(page_w, page_h))
    canvas.setTitle("Badges")
    if size == "a4x4":
        cells = [(0, page_h / 2), (page_w / 2, page_h / 2), (0, 0), (page_w / 2, 0)]
        for index, face in enumerate(faces):
            if index and index % 4 == 0:
                canvas.showPage()
            cx, cy = cells[index % 4]
            # A6 portrait cells, each badge drawn landscape-ish in the cell's upper part.
            _badge(
                canvas,
                face,
                cx + 4 * mm,
                cy + 4 * mm,
                page_w / 2 - 8 * mm,
                page_h / 2 - 8 * mm,
                image,
            )
    else:
        for face in faces:
            _badge(canvas, face, 0, 0, page_w, page_h, image)
            canvas.showPage()
    if size == "a4x4":
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
