"""Template helpers of the design system: money in the reader's locale (``{{ amount|money:"USD" }}``
→ 1,055.00 USD in English, 1.055,00 USD in German) and form widgets tied to their errors."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def money(value, currency: str = "") -> str:
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    text = number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{text} {currency}".strip()


@register.simple_tag
def field_widget(field):
    """The field's widget tied to its help text and errors (aria-describedby), and marked
    invalid when it has errors, so screen readers announce them with the field."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        described.append(f"{field.auto_id}_errors")
    attrs = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)
