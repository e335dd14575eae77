"""Template helpers of the design system: money in the reader's language
(``{{ amount|money:"USD" }}`` → $1,055.00 in English, 1.055,00 $ in German — written by
midsummer/formats.py) and form widgets tied to their errors."""

from __future__ import annotations

from django import template

from midsummer.templatetags import formats

register = template.Library()


register.filter("money", formats.money)


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
