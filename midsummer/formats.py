"""How money and times are written for people: one place for every page, mail, PDF and CSV.

- Money with its currency and the reader's conventions: ``$55.00`` in English, ``55,00 $`` in
  German, ``€12.50`` for a convention selling in euros (Babel's CLDR data).
- Times in the event's time zone, with the zone's abbreviation (``10:21 EST``): an attendee in
  Philadelphia reads Philadelphia time, whatever the server's clock.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal, InvalidOperation

from babel.dates import format_date, format_time
from babel.numbers import format_currency
from django.utils import timezone
from django.utils.translation import get_language, to_locale


def _locale() -> str:
    return to_locale(get_language() or "en")


def format_money(amount: Decimal | int | str | None, currency: str) -> str:
    """``amount`` of ``currency`` (ISO 4217, e.g. USD) in the active language's conventions."""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, TypeError, ValueError):
        return ""
    return format_currency(value, currency or "USD", locale=_locale())


def in_zone(moment: dt.datetime, zone: str) -> dt.datetime:
    return timezone.localtime(moment, zoneinfo.ZoneInfo(zone))


def format_event_time(moment: dt.datetime | None, zone: str, *, with_date: bool = True) -> str:
    """``moment`` as the clock in ``zone`` shows it, with the zone's abbreviation: "Dec 2,
    2026, 10:21 EST" (or "10:21 EST" without the date), in the active language."""
    if moment is None:
        return ""
    local = in_zone(moment, zone)
    text = format_time(local, format="short", locale=_locale())
    if with_date:
        text = f"{format_date(local, format='medium', locale=_locale())}, {text}"
    return f"{text} {local.tzname()}"
