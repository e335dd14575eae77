"""The rules every attendee meets, wherever their details come from: the purchase, a transfer
or group assignment, an upgrade, and an organizer's correction in the admin.

``AttendeeRules`` reads what the rules depend on once (settings, questions, the event's day and
minors' cut-off) and answers with field errors, so a form can show them next to its fields and
a service can refuse with them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from event.models import Event
from event.selectors import event_today, minor_cutoff
from register.models import BadgeLevel, Question, RegistrationSettings
from register.selectors import registration_settings
from register.services.inputs import PersonInput


def age_on(birthdate: dt.date, day: dt.date) -> int:
    """Whole years of age on ``day``."""
    return day.year - birthdate.year - ((day.month, day.day) < (birthdate.month, birthdate.day))


def free_for_age(level: BadgeLevel, *, birthdate: dt.date, event: Event) -> bool:
    """Whether a "free under an age" level costs this person nothing: younger than its age on
    the event's first day."""
    return (
        level.age_rule == BadgeLevel.AgeRule.FREE_UNDER
        and level.free_under_age is not None
        and age_on(birthdate, event.start_date) < level.free_under_age
    )


def badge_name_error(badge_name: str, settings: RegistrationSettings) -> str | None:
    """Why this badge name is refused (length, the organizer's blocked words), or None."""
    badge_name = badge_name.strip()
    if not badge_name or len(badge_name) > settings.badge_name_max_length:
        return gettext("A badge name needs 1 to %(max)d characters.") % {
            "max": settings.badge_name_max_length
        }
    if any(word in badge_name.lower() for word in settings.blocked_words):
        return gettext("Please choose another badge name.")
    return None


@dataclass(frozen=True)
class AttendeeRules:
    """What attendees of one event are checked against, read once."""

    event: Event
    settings: RegistrationSettings
    today: dt.date  # at the event
    minor_cutoff: dt.date
    questions: Sequence[Question] = ()

    @classmethod
    def of(
        cls, event: Event, *, now: dt.datetime | None = None, with_questions: bool = False
    ) -> AttendeeRules:
        """The rules of ``event`` on the event's day of ``now``; the organizer's questions are
        read only when answers are being given (a purchase)."""
        return cls(
            event=event,
            settings=registration_settings(event=event),
            today=event_today(event, now),
            minor_cutoff=minor_cutoff(event),
            questions=tuple(Question.objects.filter(event=event)) if with_questions else (),
        )

    def is_minor(self, birthdate: dt.date) -> bool:
        return birthdate > self.minor_cutoff

    def errors(
        self, person: PersonInput, level: BadgeLevel, *, answers: dict[int, str] | None = None
    ) -> dict[str, str]:
        """Field → message for everything wrong with this person on this level: the
        birthdate, the level's age rule, a minor's guardian, the badge name and (for a
        purchase) the answers to the organizer's questions."""
        errors: dict[str, str] = {}
        is_minor = self.is_minor(person.birthdate)
        if person.birthdate > self.today or person.birthdate.year < 1900:
            errors["birthdate"] = gettext("Please check the birthdate.")
        elif level.age_rule == BadgeLevel.AgeRule.ADULTS_ONLY and is_minor:
            errors["level"] = gettext("%(level)s is for adults only.") % {"level": level.name}
        elif level.age_rule == BadgeLevel.AgeRule.MINORS_ONLY and not is_minor:
            errors["level"] = gettext("%(level)s is for minors only.") % {"level": level.name}
        if is_minor and not (
            person.guardian_name.strip()
            and person.guardian_contact.strip()
            and person.guardian_consent
        ):
            errors["guardian_name"] = gettext(
                "A minor needs a guardian's name, contact and consent."
            )
        if error := badge_name_error(person.badge_name, self.settings):
            errors["badge_name"] = error
        for question in self.questions:
            answer = (answers or {}).get(question.pk, "").strip()
            if question.is_required and not answer:
                errors[f"question_{question.pk}"] = gettext("This question needs an answer.")
            elif question.kind == Question.Kind.CHOICE and answer not in ("", *question.choices):
                errors[f"question_{question.pk}"] = gettext("Please pick one of the choices.")
        return errors

    def check(
        self, person: PersonInput, level: BadgeLevel, *, answers: dict[int, str] | None = None
    ) -> None:
        """Refuse this person on this level with every field error at once."""
        if errors := self.errors(person, level, answers=answers):
            raise ValidationError(errors)
