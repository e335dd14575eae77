"""What the services take in, and the errors they raise besides ``ValidationError``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from decimal import Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")


@dataclass(frozen=True)
class PersonInput:
    """A person taking over a badge: the attendee details, without level, add-ons or answers."""

    legal_name: str
    badge_name: str
    birthdate: dt.date
    email: str
    phone: str
    emergency_contact: str
    guardian_name: str = ""
    guardian_contact: str = ""
    guardian_consent: bool = False

    def cleaned(self) -> dict[str, object]:
        """The details as stored on a badge: text stripped, the email lower-cased."""
        values: dict[str, object] = {
            name: value.strip() if isinstance(value, str) else value
            for name, value in self.__dict__.items()
            if name in PERSON_FIELDS
        }
        values["email"] = str(values["email"]).lower()
        return values


# The person's fields, which a badge (Registration) stores under the same names.
PERSON_FIELDS = tuple(f.name for f in fields(PersonInput))


@dataclass(frozen=True, kw_only=True)
class AttendeeInput(PersonInput):
    """One attendee of an order: the person, with the level, add-ons and answers."""

    level_id: int
    add_ons: tuple[tuple[int, str], ...] = ()  # (add-on id, chosen option)
    answers: dict[int, str] = field(default_factory=dict)  # question id → answer


class DuplicateSubmissionError(Exception):
    """The same order form was sent again: its order exists already (``reference``)."""

    def __init__(self, reference: str) -> None:
        super().__init__(f"This form already placed order {reference}.")
        self.reference = reference


class TooManyCodeGuessesError(Exception):
    """This account or address tried too many wrong discount codes lately."""
