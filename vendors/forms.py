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
    "extras",
    "partners",
    "seat_near",
    "seat_far",
    "seating",
    "tax_id",
]


class ApplicationForm(forms.ModelForm):
    submission = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Application
        fields = APPLICATION_FIELDS
        widgets = {
            "wares": forms.Textarea(attrs={"rows": 4}),
            "extras": forms.CheckboxSelectMultiple,
        }

    def __init__(
        self, *args: Any, table_types: Any, extras: Any, max_tables: int, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["table_type"].queryset = table_types  # type: ignore[attr-defined]
        self.fields["extras"].queryset = extras  # type: ignore[attr-defined]
        self.fields["tables"].widget.attrs["max"] = max_tables
        self.fields["partners"].required = False

    def to_input(self) -> ApplicationInput:
        data = {name: self.cleaned_data[name] for name in APPLICATION_FIELDS}
        data["extras"] = tuple(data["extras"])
        data["partners"] = data["partners"] or 0
        return ApplicationInput(**data)


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Photo of your work"),
        help_text=_("PNG, JPEG or WebP, at least 400 × 400 pixels, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )


class DealerBadgeForm(forms.Form):
    legal_name = forms.CharField(label=_("Legal name"), max_length=200)
    badge_name = forms.CharField(label=_("Name on the badge"), max_length=64)
    birthdate = forms.DateField(
        label=_("Birthdate"), widget=forms.DateInput(attrs={"type": "date"})
    )
    email = forms.EmailField(label=_("Email"))
    phone = forms.CharField(label=_("Phone"), max_length=40)
    emergency_contact = forms.CharField(label=_("Emergency contact"), max_length=200)


class LayoutForm(forms.Form):
    rows = forms.IntegerField(label=_("Rows"), min_value=1, max_value=26)
    per_row = forms.IntegerField(label=_("Tables per row"), min_value=1, max_value=60)


class PlaceForm(forms.Form):
    application = forms.IntegerField(widget=forms.HiddenInput)
    labels = forms.CharField(
        label=_("Tables"), max_length=60, required=False, help_text=_("e.g. A3 A4")
    )

    def clean_labels(self) -> list[str]:
        return self.cleaned_data["labels"].replace(",", " ").split()


class CancelForm(forms.Form):
    note = forms.CharField(label=_("Why"), max_length=100, required=False)


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
