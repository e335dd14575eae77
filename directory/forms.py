from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from directory.selectors import Near


def _months_ahead(today: dt.date, count: int = 12) -> list[tuple[str, str]]:
    months = []
    year, month = today.year, today.month
    for _n in range(count):
        first = dt.date(year, month, 1)
        months.append((first.strftime("%Y-%m"), date_format(first, "YEAR_MONTH_FORMAT")))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


class DirectoryFilterForm(forms.Form):
    """What a visitor narrows the directory with (all optional, sent by GET)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    month = forms.ChoiceField(label=_("Starting in"), required=False)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    radius = forms.TypedChoiceField(
        label=_("Near me, within"),
        required=False,
        coerce=int,
        choices=[(500, "500 km"), (100, "100 km"), (250, "250 km"), (1000, "1000 km")],
    )

    def __init__(self, *args, today: dt.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        months = _months_ahead(today)
        self.fields["month"].choices = [("", _("any month")), *months]  # type: ignore[attr-defined]

    def month_start(self) -> dt.date | None:
        value = self.cleaned_data.get("month") or ""
        return dt.datetime.strptime(value, "%Y-%m").date() if value else None  # noqa: DTZ007

    def near(self) -> Near | None:
        lat, lon = self.cleaned_data.get("lat"), self.cleaned_data.get("lon")
        if lat is None or lon is None:
            return None
        return Near(
            latitude=lat, longitude=lon, radius_km=float(self.cleaned_data["radius"] or 500)
        )
