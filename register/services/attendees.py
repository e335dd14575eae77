"""Changing an attendee's details after the order: the attendee renames their badge, an
organizer corrects a registration in the admin. Both go through the rules of the public form."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext

from event.selectors import event_today
from register.models import Registration
from register.selectors import badge_name_edit_deadline, ban_matches_any, registration_settings
from register.services.audit import audit
from register.services.inputs import PERSON_FIELDS, PersonInput
from register.services.rules import AttendeeRules, badge_name_error
from tenant.models import User


@transaction.atomic
def registration_change_badge_name(
    *, registration: Registration, badge_name: str, today: dt.date | None = None
) -> Registration:
    """An attendee renames their badge, until the organizer's cut-off day (inclusive, a day at
    the event)."""
    event = registration.event
    today = today or event_today(event)
    if badge_name_edit_deadline(event=event, today=today) is None:
        raise ValidationError({"badge_name": gettext("Badge names can no longer be changed.")})
    if error := badge_name_error(badge_name, registration_settings(event=event)):
        raise ValidationError({"badge_name": error})
    registration.badge_name = badge_name.strip()
    registration.save(update_fields=["badge_name"])
    return registration


def person_of(registration: Registration) -> PersonInput:
    """The details a badge carries, as the rules take them."""
    return PersonInput(**{name: getattr(registration, name) for name in PERSON_FIELDS})


def registration_details_errors(
    *, registration: Registration, person: PersonInput
) -> dict[str, str]:
    """Field → message for corrected details of a badge (the admin's form shows them next to
    its fields): the public form's rules for the badge's level — age rule, a minor's guardian,
    the badge name — and the ban list: details that match an entry the badge did not match
    before are refused (an order is put on review by paying it, not by editing it)."""
    errors = AttendeeRules.of(registration.event).errors(person, registration.level)
    before = {entry.pk for entry in ban_matches_any([registration])}
    if {entry.pk for entry in ban_matches_any([person])} - before:
        # Only organizers correct details (the admin, English like the rest of it).
        errors[NON_FIELD_ERRORS] = (
            "These details match the ban list; ask the registration lead to review the order."
        )
    return errors


@transaction.atomic
def registration_details_correct(
    *, registration_id: int, person: PersonInput, by: User | None = None
) -> Registration:
    """An organizer corrects an attendee's details (the admin), checked as the public form
    checks them (``registration_details_errors``). Audited: who, and "corrected"."""
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("event", "level")
        .get(pk=registration_id)
    )
    if errors := registration_details_errors(registration=registration, person=person):
        raise ValidationError(errors)
    changed = [
        name for name, value in person.cleaned().items() if getattr(registration, name) != value
    ]
    if not changed:
        return registration
    for name in changed:
        setattr(registration, name, person.cleaned()[name])
    audit(registration, by=by, reason="corrected by the organizer")
    registration.save(update_fields=changed)
    return registration
