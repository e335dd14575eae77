"""Money and times as people read them (midsummer/formats.py): one writer for every page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from midsummer.formats import format_event_time, format_money

AFTERNOON_UTC = dt.datetime(2026, 12, 2, 15, 21, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("language", "amount", "currency", "written"),
    [
        ("en", Decimal("55.00"), "USD", "$55.00"),
        ("en", Decimal("1055"), "USD", "$1,055.00"),
        ("de", Decimal("1055"), "USD", "1.055,00\u00a0$"),
        ("en", Decimal("12.5"), "EUR", "€12.50"),
        ("de", Decimal("12.5"), "EUR", "12,50\u00a0€"),
        ("en", None, "USD", ""),
    ],
)
def test_money_has_its_currency_and_the_languages_conventions(language, amount, currency, written):
    with translation.override(language):
        assert format_money(amount, currency) == written


@pytest.mark.parametrize(
    ("language", "zone", "written"),
    [
        ("en", "America/New_York", "Dec 2, 2026, 10:21\u202fAM EST"),
        ("de", "America/New_York", "02.12.2026, 10:21 EST"),
        ("en", "America/Kentucky/Louisville", "Dec 2, 2026, 10:21\u202fAM EST"),
        ("en", "Europe/Berlin", "Dec 2, 2026, 4:21\u202fPM CET"),
    ],
)
def test_times_are_the_events_clock_with_its_zone(language, zone, written):
    with translation.override(language):
        assert format_event_time(AFTERNOON_UTC, zone) == written


def test_the_template_filters_use_the_same_writer():
    template = Template(
        '{% load formats %}{{ amount|money:"USD" }} | {{ moment|event_clock:"America/New_York" }}'
    )

    with translation.override("en"):
        text = template.render(Context({"amount": Decimal("5"), "moment": AFTERNOON_UTC}))

    assert text == "$5.00 | 10:21\u202fAM EST"
