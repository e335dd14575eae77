from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from midsummer.formats import format_money
from register.models import AddOn, BadgeLevel, Question
from register.services import GROUP_SIZE, AttendeeInput, PersonInput

if TYPE_CHECKING:
    from collections.abc import Sequence

    from django_stubs_ext import StrOrPromise

    from event.models import Event
    from register.selectors import LevelOffer

NO_ADD_ON = ""


def attendee_form_options(
    *, event: Event, offers: Sequence[LevelOffer], currency: str
) -> dict[str, Any]:
    """What an ``AttendeeForm`` needs to sell this event's badges now: the levels on offer with
    their prices (sold-out ones said so), the add-ons, the questions."""
    return {
        "levels": [
            (
                offer.level,
                f"{offer.level.name} — {format_money(offer.price, currency)}"
                + (f" ({gettext('sold out')})" if offer.is_sold_out else ""),
            )
            for offer in offers
        ],
        "add_ons": list(AddOn.objects.filter(event=event)),
        "currency": currency,
        "questions": list(Question.objects.filter(event=event)),
        "sold_out": frozenset(offer.level.pk for offer in offers if offer.is_sold_out),
    }


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared so on the form
    return field


class PersonForm(forms.Form):
    """The details of a person taking over a badge (transfer or group assignment)."""

    legal_name = forms.CharField(label=_("Legal name"), max_length=200)
    badge_name = forms.CharField(label=_("Badge name"), max_length=64)
    birthdate = forms.DateField(
        label=_("Birthdate"), widget=forms.DateInput(attrs={"type": "date"})
    )
    email = forms.EmailField(label=_("Email"))
    phone = forms.CharField(label=_("Phone"), max_length=40)
    emergency_contact = forms.CharField(
        label=_("Emergency contact (name and phone)"), max_length=200
    )
    guardian_name = forms.CharField(label=_("Guardian's name (minors)"), required=False)
    guardian_contact = forms.CharField(
        label=_("Guardian's phone or email (minors)"), required=False
    )
    guardian_consent = forms.BooleanField(
        label=_("The guardian consents to this registration (minors)"), required=False
    )

    def to_input(self) -> PersonInput:
        return PersonInput(**self.cleaned_data)


class AttendeeForm(PersonForm):
    level = forms.TypedChoiceField(label=_("Badge level"), coerce=int)
    field_order = ["level"]

    def __init__(
        self,
        *args,
        levels: list[tuple[BadgeLevel, str]],
        add_ons: list[AddOn],
        questions: list[Question],
        sold_out: frozenset[int] = frozenset(),
        currency: str = "USD",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        _choice_field(self, "level").choices = [(level.pk, label) for level, label in levels]
        self.level_names = {level.pk: level.name for level, _ in levels}
        self.sold_out = sold_out
        self.add_ons, self.questions = add_ons, questions
        for add_on in add_ons:
            choices: list[tuple[str, StrOrPromise]] = [(NO_ADD_ON, _("No, thanks"))]
            choices += [(option, option) for option in add_on.options] or [("yes", _("Yes"))]
            self.fields[f"add_on_{add_on.pk}"] = forms.ChoiceField(
                label=f"{add_on.name} (+{format_money(add_on.price, currency)})",
                choices=choices,
                required=False,
            )
        for question in questions:
            name = f"question_{question.pk}"
            if question.kind == Question.Kind.CHOICE:
                self.fields[name] = forms.ChoiceField(
                    label=question.label,
                    choices=[("", "—")] + [(c, c) for c in question.choices],
                    required=question.is_required,
                )
            elif question.kind == Question.Kind.CHECKBOX:
                self.fields[name] = forms.BooleanField(
                    label=question.label, required=question.is_required
                )
            else:
                self.fields[name] = forms.CharField(
                    label=question.label, required=question.is_required
                )

    def clean_level(self) -> int:
        """A level sold out by the time the form is sent is refused here, next to the field and
        without taking the purchase's locks; the order itself still checks under them."""
        level_id = self.cleaned_data["level"]
        if level_id in self.sold_out:
            raise forms.ValidationError(
                gettext("%(level)s is sold out.") % {"level": self.level_names[level_id]}
            )
        return level_id

    def to_input(self) -> AttendeeInput:
        data = self.cleaned_data
        answers: dict[int, str] = {}
        for question in self.questions:
            value = data.get(f"question_{question.pk}")
            answers[question.pk] = (
                ("yes" if value else "") if isinstance(value, bool) else value or ""
            )
        return AttendeeInput(
            level_id=data["level"],
            legal_name=data["legal_name"],
            badge_name=data["badge_name"],
            birthdate=data["birthdate"],
            email=data["email"],
            phone=data["phone"],
            emergency_contact=data["emergency_contact"],
            guardian_name=data["guardian_name"],
            guardian_contact=data["guardian_contact"],
            guardian_consent=data["guardian_consent"],
            add_ons=tuple(
                (add_on.pk, "" if choice == "yes" else str(choice))
                for add_on in self.add_ons
                if (choice := data.get(f"add_on_{add_on.pk}")) != NO_ADD_ON
            ),
            answers=answers,
        )


class CheckoutForm(forms.Form):
    discount_code = forms.CharField(label=_("Discount code"), max_length=40, required=False)
    provider = forms.ChoiceField(label=_("Payment"), widget=forms.RadioSelect)
    submission = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        _choice_field(self, "provider").choices = [(p.key, p.label) for p in providers]


class BadgeNameForm(forms.Form):
    badge_name = forms.CharField(label=_("Badge name"), max_length=64)


class TransferOfferForm(forms.Form):
    email = forms.EmailField(label=_("Their email"))


class UpgradeForm(forms.Form):
    level = forms.TypedChoiceField(label=_("New level"), coerce=int)
    provider = forms.ChoiceField(label=_("Payment"))

    def __init__(self, *args, levels: list[BadgeLevel], providers, **kwargs):
        super().__init__(*args, **kwargs)
        _choice_field(self, "level").choices = [(level.pk, level.name) for level in levels]
        _choice_field(self, "provider").choices = [(p.key, p.label) for p in providers]


class OfferCheckoutForm(forms.Form):
    provider = forms.ChoiceField(label=_("Payment"), widget=forms.RadioSelect)

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        _choice_field(self, "provider").choices = [(p.key, p.label) for p in providers]


class GroupForm(forms.Form):
    quantity = forms.IntegerField(
        label=_("How many badges"),
        min_value=GROUP_SIZE.start,
        max_value=GROUP_SIZE.stop - 1,
        error_messages=dict.fromkeys(["min_value", "max_value"], _("A group buys 2 to 20 badges.")),
    )
    provider = forms.ChoiceField(label=_("Payment"), widget=forms.RadioSelect)

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        _choice_field(self, "provider").choices = [(p.key, p.label) for p in providers]
