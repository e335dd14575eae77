"""Input validation for the dealers' den pages (the rules live in ``vendors.services``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from payments.providers import providers_for_checkout
from vendors.models import Application
from vendors.services import ApplicationInput

APPLICATION_FIELDS = [
    "business_name",
    "contact_name",
    "website",
    "wares",
    "categories",
    "table_type",
    "tables",
    "seating",
    "tax_id",
]


class ApplicationForm(forms.ModelForm):
    submission = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Application
        fields = APPLICATION_FIELDS
        widgets = {"wares": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, table_types: Any, max_tables: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["table_type"].queryset = table_types  # type: ignore[attr-defined]
        self.fields["tables"].widget.attrs["max"] = max_tables

    def to_input(self) -> ApplicationInput:
        data = self.cleaned_data
        return ApplicationInput(**{name: data[name] for name in APPLICATION_FIELDS})


class ReviewForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Score"), choices=[(n, str(n)) for n in range(1, 6)], coerce=int
    )
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            (Application.Status.APPROVED, _("Approve")),
            (Application.Status.WAITLISTED, _("Waiting list")),
            (Application.Status.DECLINED, _("Decline")),
        ]
    )


class PayForm(forms.Form):
    provider = forms.ChoiceField(label=_("Pay by"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [  # type: ignore[attr-defined]
            (p.key, p.label) for p in providers_for_checkout()
        ]
