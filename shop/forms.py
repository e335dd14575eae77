from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from payments.models import Provider
from payments.providers import providers_for_checkout


class CheckoutForm(forms.Form):
    provider = forms.ChoiceField(label=_("Pay by"), widget=forms.RadioSelect)
    submission = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [  # type: ignore[attr-defined]
            (p.key, p.label) for p in providers_for_checkout() if p.key != Provider.FREE
        ]


def quantities(data: Any) -> dict[int, int]:
    """``qty-<variant id>`` fields of the catalogue form → {variant id: pieces}; anything that
    is not a whole number from 0 to 99 is refused."""
    items: dict[int, int] = {}
    for key, value in data.items():
        if not key.startswith("qty-"):
            continue
        variant_id, raw = key[4:], (value or "0").strip() or "0"
        if not variant_id.isdigit() or not raw.isdigit() or int(raw) > 99:
            raise forms.ValidationError(_("Enter how many as a number from 0 to 99."))
        if int(raw):
            items[int(variant_id)] = int(raw)
    return items


class DeskLookupForm(forms.Form):
    code = forms.CharField(
        label=_("Pickup code or order reference"),
        max_length=64,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "off", "data-scan-field": ""}
        ),
    )
