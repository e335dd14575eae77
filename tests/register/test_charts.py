"""The registrations chart reads well for one day of sales and for 300: the legend keeps every
level's full name, one day is bars under that one date, a long sale shows a dozen dates, and
the SVG carries no script (the page's CSP would refuse it) and a nonce on its style."""

import datetime as dt
import re
from decimal import Decimal

from register.charts import daily_bars, timeline_chart
from register.selectors import TimelinePoint

LONG_NAME = "Attendee (Furrydelphia 2026 — the long weekend)"


def _labels(svg: str) -> list[str]:
    """The texts of the x axis' labels."""
    axis = svg.split('<g class="axis x', 1)[1].split('<g class="series', 1)[0]
    return re.findall(r"<text[^>]*>([^<]+)</text>", axis)


def test_one_day_is_bars_under_one_date_with_the_full_legend():
    day = dt.date(2026, 5, 1)
    points = [
        TimelinePoint(day, LONG_NAME, 3, Decimal("1")),
        TimelinePoint(day, "Sponsor", 1, Decimal("1")),
    ]

    svg = timeline_chart("Furrydelphia 2026", points, nonce="abc")

    assert _labels(svg).count("2026-05-01") == 1
    assert f"{LONG_NAME}: 3" in svg and "Sponsor: 1" in svg
    assert 'class="rect reactive tooltip-trigger"' in svg  # bars, not a lone dot
    assert "<script" not in svg and " style=" not in svg  # CSP: no inline style attributes
    assert '<style nonce="abc"' in svg


def test_three_hundred_days_show_about_a_dozen_dates_first_and_last_included():
    start = dt.date(2026, 1, 1)
    points = [
        TimelinePoint(start + dt.timedelta(days=i), LONG_NAME, 1, Decimal("1")) for i in range(300)
    ]

    svg = timeline_chart("Furrydelphia 2026", points)

    labels = [label for label in _labels(svg) if re.fullmatch(r"\d{4}-\d\d-\d\d", label)]
    assert 10 <= len(labels) <= 15
    assert labels[0] == "2026-01-01" and labels[-1] == "2026-10-27"
    assert f"{LONG_NAME}: 300" in svg


def test_no_sales_yet_say_so():
    svg = timeline_chart("Furrydelphia 2026", [])

    assert "No paid registrations yet" in svg


def test_daily_bars_count_in_whole_numbers():
    counts = [(dt.date(2026, 11, 19) + dt.timedelta(days=i), i % 4) for i in range(14)]

    svg = daily_bars("Paid registrations", counts)

    y_axis = svg.split('<g class="axis y', 1)[1].split('<g class="axis x', 1)[0]
    assert re.findall(r"<text[^>]*>([^<]+)</text>", y_axis) == ["0", "1", "2", "3"]
