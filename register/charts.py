"""Charts of registration figures, as self-contained SVG."""

from __future__ import annotations

from collections import defaultdict
from itertools import accumulate

from django.utils.html import escape

from register.selectors import TimelinePoint

WIDTH, HEIGHT, MARGIN, LEGEND = 800, 400, 50, 130
COLOURS = ["#1b6ca8", "#d1495b", "#2e933c", "#edae49", "#6a4c93", "#00798c"]


def timeline_chart(title: str, points: list[TimelinePoint]) -> str:
    """Cumulative paid registrations per level over time, as a self-contained SVG."""
    days = sorted({p.day for p in points})
    per_level: dict[str, dict] = defaultdict(dict)
    for p in points:
        per_level[p.level][p.day] = p.registrations
    top = max([sum(v.values()) for v in per_level.values()] or [1])
    span = max(len(days) - 1, 1)

    def x(i: int) -> float:
        return MARGIN + i * (WIDTH - MARGIN - LEGEND) / span

    def y(n: int) -> float:
        return HEIGHT - MARGIN - n * (HEIGHT - 2 * MARGIN) / top

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-label="{escape(title)}: registrations over time">',
        f'<text x="{MARGIN}" y="25" font-size="16">{escape(title)}: paid registrations</text>',
        f'<line x1="{MARGIN}" y1="{HEIGHT - MARGIN}" x2="{WIDTH - LEGEND}" '
        f'y2="{HEIGHT - MARGIN}" stroke="#333"/>',
        f'<text x="5" y="{MARGIN}" font-size="12">{top}</text>',
    ]
    if days:
        parts.append(f'<text x="{MARGIN}" y="{HEIGHT - 20}" font-size="12">{days[0]}</text>')
        parts.append(
            f'<text x="{WIDTH - LEGEND - 70}" y="{HEIGHT - 20}" font-size="12">{days[-1]}</text>'
        )
    for n, (level, counts) in enumerate(sorted(per_level.items())):
        colour = COLOURS[n % len(COLOURS)]
        totals = list(accumulate(counts.get(day, 0) for day in days))
        coordinates = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(totals))
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{coordinates}"/>'
        )
        parts.extend(
            f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}"/>'
            for i, v in enumerate(totals)
        )
        parts.append(
            f'<text x="{WIDTH - LEGEND + 10}" y="{MARGIN + 18 * n}" font-size="12" '
            f'fill="{colour}">{escape(level)}: {totals[-1]}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)
