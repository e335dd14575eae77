"""The programme's placement and colour classes (the CSP allows no style attributes)."""

from __future__ import annotations

from django import template

from schedule.grid import colour_class

register = template.Library()


@register.filter
def track_colour_class(colour: str | None) -> str:
    """``#5b21b6`` → ``tc-5b21b6``, the class the layout stylesheet colours; else nothing."""
    return colour_class(colour or "")
