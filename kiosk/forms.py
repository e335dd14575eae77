"""Input validation of the door's pages and API (no rules: those are the services')."""

from __future__ import annotations

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from kiosk.models import CheckIn


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


class ScanForm(forms.Form):
    secret = forms.CharField(
        label=_("Badge code"),
        max_length=300,
        help_text=_("Scan the QR code, or type the code under it."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "off", "data-scan-field": ""}
        ),
    )
    # The form's one-time key: the same form sent twice checks in once.
    nonce = forms.CharField(max_length=64, widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label=_("Direction"),
        choices=CheckIn.Kind.choices,
        initial=CheckIn.Kind.ENTRY,
        required=False,
    )
    desk = forms.CharField(label=_("Desk"), max_length=100, required=False)

    def clean_kind(self) -> str:
        return self.cleaned_data.get("kind") or CheckIn.Kind.ENTRY


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a badge"),
        max_length=100,
        required=False,
        help_text=_("Name, badge name, badge number, order reference or e-mail."),
    )


class UndoForm(forms.Form):
    checkin = forms.IntegerField(widget=forms.HiddenInput)


class ApiScanForm(forms.Form):
    """One scan sent by a device (pretix's redeem: secret, nonce, type, datetime)."""

    secret = forms.CharField(max_length=300)
    nonce = forms.CharField(max_length=64)
    type = forms.ChoiceField(choices=CheckIn.Kind.choices, required=False)
    datetime = forms.DateTimeField(required=False)

    def clean_type(self) -> str:
        return self.cleaned_data.get("type") or CheckIn.Kind.ENTRY


def form_errors_text(form: forms.Form) -> str:
    return "; ".join(
        f"{name}: {' '.join(str(e) for e in errors)}"
        if name != "__all__"
        else " ".join(str(e) for e in errors)
        for name, errors in form.errors.items()
    )


class PrintRequestForm(forms.Form):
    registration = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason for a reprint"), max_length=200, required=False)


class PrintOrderForm(forms.Form):
    order = forms.CharField(max_length=16, widget=forms.HiddenInput)


class PrintFinishForm(forms.Form):
    job = forms.IntegerField(widget=forms.HiddenInput)
    printed = forms.TypedChoiceField(
        choices=[("1", _("Printed")), ("0", _("Failed"))], coerce=lambda v: v == "1"
    )
    failure = forms.CharField(max_length=200, required=False)


class PrintTakeForm(forms.Form):
    station = forms.CharField(label=_("Print station"), max_length=100)


BADGE_STOCK = [("cr80", _("CR80 card")), ("a6", "A6"), ("a4x4", _("A4, 4 × A6"))]


class SelfLookupForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    reference = forms.CharField(
        label=_("Confirmation code"),
        max_length=16,
        help_text=_("The order reference in your confirmation e-mail."),
    )


class CashierLookupForm(forms.Form):
    order = forms.CharField(label=_("Order reference"), max_length=16)


class CashierPayForm(forms.Form):
    order = forms.CharField(max_length=16, widget=forms.HiddenInput)
    method = forms.ChoiceField(
        label=_("Paid by"), choices=[("cash", _("Cash")), ("card", _("Card terminal"))]
    )
