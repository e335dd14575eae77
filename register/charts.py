"""Charts of registration figures, drawn by pygal (the product's one charting library, see
docs/APPS.md) as SVG that is put straight into the page.

pygal writes a ``<style>`` and a ``<script>`` into its SVG. The pages' Content-Security-Policy
refuses inline scripts, and the charts need none (no tooltips), so the script is left out; the
style element carries the request's nonce (``nonce=""`` for a file written to disk)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from itertools import accumulate

import pygal
from pygal.style import Style

from register.selectors import TimelinePoint

COLOURS = ("#1b6ca8", "#d1495b", "#2e933c", "#b5651d", "#6a4c93", "#00798c")
STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#222",
    foreground_strong="#222",
    foreground_subtle="#bbb",
    colors=COLOURS,
    font_family="system-ui, sans-serif",
    title_font_size=16,
    legend_font_size=13,
    label_font_size=12,
    major_label_font_size=12,
)
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)


def chart_svg(chart: pygal.graph.graph.Graph, *, nonce: str = "") -> str:
    """The chart as inline SVG: no script, its style element allowed by ``nonce``."""
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    # The (unused) tooltip's inline style attribute is refused by the CSP, nonce or not.
    svg = svg.replace(' style="opacity: 0"', ' opacity="0"')
    if nonce:
        svg = svg.replace("<style", f'<style nonce="{nonce}"', 1)
    return svg


def _whole_numbers(top: int) -> list[int]:
    """About five whole-number ticks from 0 to at least ``top`` (counts are never 2.6)."""
    step = max(1, -(-top // 5))
    return list(range(0, max(top, 1) + step, step))


def _options(title: str, **extra) -> dict:
    return {
        "title": title,
        "style": STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 2,
        "truncate_legend": -1,  # a level's full name, never "Attendee (Furrydelp"
        "truncate_label": -1,
        "print_values": False,
        "width": 800,
        "height": 420,
        "explicit_size": False,
        "margin": 16,
        "margin_bottom": 28,  # the legend's descenders
        **extra,
    }


def timeline_chart(
    title: str, points: Sequence[TimelinePoint], *, nonce: str = "", unit: str = "registrations"
) -> str:
    """Paid registrations per level (or any count per series, in ``unit``: the shop's pieces
    per product) added up over the days that had any: a line per level.
    One day of sales is a bar per level under that one date; a long sale shows about a dozen
    dates along the axis, so 300 days stay readable."""
    days = sorted({p.day for p in points})
    per_level: dict[str, dict[dt.date, int]] = defaultdict(dict)
    for p in points:
        per_level[p.level][p.day] = per_level[p.level].get(p.day, 0) + p.registrations
    top = max([sum(counts.values()) for counts in per_level.values()] or [0])
    if len(days) <= 1:
        chart = pygal.Bar(
            **_options(
                title,
                show_legend=bool(days),
                y_title=unit,
                no_data_text=f"No paid {unit} yet",
                # pygal draws no y labels without data (and fails when given some)
                **({"y_labels": _whole_numbers(top)} if days else {}),
            )
        )
        if days:
            chart.x_labels = [d.isoformat() for d in days]
        for level, counts in sorted(per_level.items()):
            chart.add(f"{level}: {sum(counts.values())}", [sum(counts.values())])
        return chart_svg(chart, nonce=nonce)
    every = max(1, len(days) // 12)
    chart = pygal.DateLine(
        **_options(
            title,
            x_label_rotation=30,
            x_value_formatter=lambda d: d.isoformat(),
            show_dots=len(days) <= 40,
            dots_size=3,
            y_title=unit,
            y_labels=_whole_numbers(top),
        )
    )
    chart.x_labels = days[::every] if days[-1] in days[::every] else [*days[::every], days[-1]]
    for level, counts in sorted(per_level.items()):
        totals = list(accumulate(counts.get(day, 0) for day in days))
        chart.add(f"{level}: {totals[-1]}", list(zip(days, totals, strict=True)))
    return chart_svg(chart, nonce=nonce)


def daily_bars(title: str, counts: Sequence[tuple[dt.date, int]], *, nonce: str = "") -> str:
    """A small bar chart of one figure per day (the admin index's last two weeks)."""
    chart = pygal.Bar(
        **_options(
            title,
            show_legend=False,
            width=420,
            height=220,
            title_font_size=13,
            x_label_rotation=0,
            show_minor_x_labels=False,
            y_labels=_whole_numbers(max([n for _, n in counts] or [0])),
        )
    )
    chart.x_labels = [d.strftime("%d.%m") for d, _ in counts]
    chart.x_labels_major = [d.strftime("%d.%m") for d, _ in counts][::7]
    chart.add(title, [n for _, n in counts])
    return chart_svg(chart, nonce=nonce)
