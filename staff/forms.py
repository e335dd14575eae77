"""Input validation for the staffing pages (the rules live in ``staff.services``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from register.models import BadgeLevel
from staff.models import Department, Job, Volunteer


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


class AcceptForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Into"), queryset=Department.objects.none())

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]


class ClockSearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), max_length=100, required=False)
    day = forms.DateField(label=_("Day"), required=False)


class ClockForm(forms.Form):
    action = forms.ChoiceField(choices=[("in", _("Clock in")), ("out", _("Clock out"))])


class JobTemplateForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    name = forms.CharField(label=_("Job"), max_length=200)
    first = forms.TimeField(label=_("First slot starts"), help_text=_("e.g. 08:00"))
    last = forms.TimeField(label=_("Last slot ends"), help_text=_("e.g. 22:00"))
    every_minutes = forms.IntegerField(
        label=_("Each slot lasts (minutes)"), min_value=15, max_value=24 * 60, initial=120
    )
    places = forms.IntegerField(label=_("People per slot"), min_value=1, max_value=500, initial=4)
    weight = forms.DecimalField(
        label=_("Weight"),
        min_value=Decimal("0.5"),
        max_value=Decimal("3"),
        decimal_places=2,
        initial=Decimal("1.0"),
        help_text=_("1.5 for night or hard shifts: their hours count 1.5 times."),
    )
    visibility = forms.ChoiceField(
        label=_("Who sees it"), choices=Job.Visibility.choices, initial=Job.Visibility.ALL
    )
    day = forms.TypedChoiceField(
        label=_("Day"),
        required=False,
        coerce=dt.date.fromisoformat,
        empty_value=None,
        help_text=_("Leave empty for every day of the event."),
    )

    def __init__(self, *args: Any, departments: Any, days: list[dt.date], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]
        self.fields["day"].choices = [("", _("Every day"))] + [  # type: ignore[attr-defined]
            (day.isoformat(), day.strftime("%a %d %b")) for day in days
        ]


class CompBadgeForm(forms.Form):
    level = forms.ModelChoiceField(label=_("Badge level"), queryset=BadgeLevel.objects.none())
    birthdate = forms.DateField(
        label=_("Birthdate"), widget=forms.DateInput(attrs={"type": "date"})
    )
    phone = forms.CharField(label=_("Phone"), max_length=40)

    def __init__(self, *args: Any, levels: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = levels  # type: ignore[attr-defined]
