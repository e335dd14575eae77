from django import forms
from django.utils.translation import gettext_lazy as _


class SimulatedCardForm(forms.Form):
    card_number = forms.CharField(
        label=_("Card number"), max_length=23, help_text=_("4242 4242 4242 4242 is approved.")
    )

    def clean_card_number(self) -> str:
        return "".join(self.cleaned_data["card_number"].split())
