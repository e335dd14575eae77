"""``{% load formats %}``: ``{{ amount|money:"USD" }}``, ``{{ moment|event_time:event.timezone }}``
and ``|event_clock`` (without the date), all written by midsummer/formats.py."""

from __future__ import annotations

from django import template

from midsummer.formats import format_event_time, format_money

register = template.Library()


@register.filter
def money(value, currency: str = "") -> str:
    return format_money(value, currency)


@register.filter
def event_time(value, zone: str = "UTC") -> str:
    return format_event_time(value, zone or "UTC")


@register.filter
def event_clock(value, zone: str = "UTC") -> str:
    return format_event_time(value, zone or "UTC", with_date=False)
