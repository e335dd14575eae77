"""The ban list: who matches it. Names and emails are compared by their normalized keys, stored
on each entry (``BanEntry.name_key`` / ``email_key``, indexed), so an order is checked with one
query whatever the size of the list."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.db.models import Q

from register.models import BanEntry


def normalized_name(name: str) -> str:
    """A name for matching: accents dropped, case folded, words sorted ("José  García" and
    "garcia jose" agree)."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(sorted(re.findall(r"\w+", plain)))


def normalized_email(email: str) -> str:
    """An email for matching: surrounding spaces and accents dropped, case folded."""
    decomposed = unicodedata.normalize("NFKD", email.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class Person(Protocol):
    """Who is checked against the ban list: an attendee being registered (AttendeeInput), a
    person taking a badge over (PersonInput) or a badge (Registration)."""

    @property
    def legal_name(self) -> str: ...

    @property
    def email(self) -> str: ...

    @property
    def birthdate(self) -> dt.date | None: ...


@dataclass(frozen=True)
class _Someone:
    legal_name: str
    email: str
    birthdate: dt.date | None


def ban_matches_any(people: Iterable[Person]) -> list[BanEntry]:
    """Ban-list entries any of these people match, in one query: the same email, or the same
    name (accents, case and word order ignored) with the same birthdate, or the same name where
    the entry has no birthdate. A match is a reason for review, not a verdict."""
    wanted = Q()
    for person in people:
        if email_key := normalized_email(person.email):
            wanted |= Q(email_key=email_key)
        if name_key := normalized_name(person.legal_name):
            wanted |= Q(name_key=name_key) & (
                Q(birthdate__isnull=True) | Q(birthdate=person.birthdate)
            )
    if not wanted:
        return []
    return list(BanEntry.objects.filter(wanted))


def ban_matches(*, legal_name: str, email: str, birthdate: dt.date | None) -> list[BanEntry]:
    """Ban-list entries this one person matches (see ``ban_matches_any``)."""
    return ban_matches_any([_Someone(legal_name=legal_name, email=email, birthdate=birthdate)])
