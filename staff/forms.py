"""Input validation for the staffing pages (the rules live in ``staff.services``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from staff.models import Department, Volunteer


class ApplicationForm(forms.Form):
    interests = forms.ModelMultipleChoiceField(
        label=_("Departments you would like to help"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    availability = forms.CharField(
        label=_("When you can help"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    skills = forms.CharField(
        label=_("Skills and experience"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    shirt_size = forms.ChoiceField(
        label=_("Shirt size"), choices=Volunteer.ShirtSize.choices, required=False
    )
    emergency_contact = forms.CharField(
        label=_("Emergency contact (name and phone)"), max_length=200
    )

    def __init__(self, *args: Any, departments: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if departments is not None:
            self.fields["interests"].queryset = departments  # type: ignore[attr-defined]


class SwapForm(forms.Form):
    job = forms.IntegerField(label=_("Swap for"), min_value=1)


class BoardFilterForm(forms.Form):
    day = forms.DateField(required=False)
    department = forms.IntegerField(required=False, min_value=1)


class MarkForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            ("signed_up", _("Signed up")),
            ("worked", _("Worked")),
            ("no_show", _("No-show")),
        ]
    )
