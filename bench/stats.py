"""Pure helpers of the harness: summaries, goals, the table and the JSON document.

Nothing here touches a database, a process or the clock, so tests can run it directly.
"""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import asdict, dataclass, field


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (``pct`` in 0..100) of ``values``; NaN when there are none."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass(frozen=True)
class Summary:
    """Repeated measurements of one figure: the median and how far the runs spread."""

    median: float
    low: float
    high: float
    runs: list[float]

    @property
    def spread_pct(self) -> float:
        """(max - min) / median, in percent: how much the repeats disagree."""
        if not self.runs or self.median == 0:
            return 0.0
        return (self.high - self.low) / abs(self.median) * 100

    def as_dict(self) -> dict:
        return {
            "median": self.median,
            "low": self.low,
            "high": self.high,
            "spread_pct": round(self.spread_pct, 1),
            "runs": self.runs,
        }


def summarize(values: list[float]) -> Summary:
    if not values:
        return Summary(math.nan, math.nan, math.nan, [])
    return Summary(statistics.median(values), min(values), max(values), list(values))


def ratio(numerator: float, denominator: float) -> float | None:
    if denominator == 0 or math.isnan(numerator) or math.isnan(denominator):
        return None
    return numerator / denominator


@dataclass
class Row:
    """One line of the table: our figure against the baseline measured in the same run."""

    scenario: str
    metric: str
    ours: Summary
    baseline: Summary | None
    baseline_label: str
    unit: str
    # ratio = ours / baseline, or baseline / ours for "lower is better" figures (speed-ups).
    ratio: float | None
    goal: str
    met: bool | None
    notes: str = ""
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["ours"] = self.ours.as_dict()
        data["baseline"] = self.baseline.as_dict() if self.baseline else None
        return data


def fmt(summary: Summary | None, unit: str) -> str:
    """``1234 req/s ±3%`` (median, spread of the repeats; no spread for a single run)."""
    if summary is None or math.isnan(summary.median):
        return "—"
    value = summary.median
    if abs(value) >= 100:
        text = f"{value:.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.3g}"
    text = f"{text} {unit}".strip()
    if len(summary.runs) > 1:
        text += f" ±{summary.spread_pct / 2:.0f}%"
    return text


def verdict(met: bool | None) -> str:
    return {True: "yes", False: "NO", None: "—"}[met]


def table(rows: list[Row]) -> str:
    """A plain-text (and Markdown-compatible) table of every row."""
    header = ["scenario", "metric", "ours", "baseline", "ratio", "goal", "met?"]
    lines = [
        [
            row.scenario,
            row.metric,
            fmt(row.ours, row.unit),
            f"{fmt(row.baseline, row.unit)} ({row.baseline_label})" if row.baseline else "—",
            f"{row.ratio:.2f}×" if row.ratio is not None else "—",
            row.goal,
            verdict(row.met),
        ]
        for row in rows
    ]
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *lines, strict=True)]

    def render(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    separator = "| " + " | ".join("-" * w for w in widths) + " |"
    return "\n".join([render(header), separator, *(render(line) for line in lines)])


def results_document(*, rows: list[Row], meta: dict) -> str:
    """The JSON written next to the chart: metadata plus every row with its raw runs."""

    def clean(value):
        if isinstance(value, float) and math.isnan(value):
            return None
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return json.dumps(clean({"meta": meta, "rows": [r.as_dict() for r in rows]}), indent=2)


def against_page_p99(scenario: str, metric: str, ours: Summary, page_p99: Summary, **kw) -> Row:
    """A latency reported against the plain one-row page's p99 measured in the same run."""
    return Row(
        scenario,
        metric,
        ours,
        page_p99,
        "the plain one-row page",
        "ms",
        ratio(ours.median, page_p99.median),
        "report",
        None,
        **kw,
    )
