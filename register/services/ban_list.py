"""Writing the ban list: every entry is saved with the keys it is matched by."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from register.models import BanEntry
from register.selectors import normalized_email, normalized_name
from register.services.audit import audit
from tenant.models import User


def ban_entry_errors(*, name: str, email: str) -> dict[str, str]:
    """Field → message when an entry with this name and email would match nobody (no letters
    in the name, no email); the admin's form shows it next to the name."""
    if normalized_name(name) or normalized_email(email):
        return {}
    return {"name": "A ban-list entry needs a name with letters or an email."}


@transaction.atomic
def ban_entry_save(*, entry: BanEntry, by: User | None = None) -> BanEntry:
    """Save a ban-list entry (new or changed, the admin's edits included) with its matching
    keys: the name and email normalized as orders are (``selectors.ban_matches_any``). An
    entry that would match nobody (no letters in the name, no email) is refused. Audited."""
    if errors := ban_entry_errors(name=entry.name, email=entry.email):
        raise ValidationError(errors)
    entry.name_key = normalized_name(entry.name)
    entry.email_key = normalized_email(entry.email)
    entry.full_clean()
    audit(entry, by=by, reason="ban list")
    if entry._state.adding:
        entry.save(force_insert=True)
    else:
        entry.save(update_fields=["name", "email", "birthdate", "reason", "name_key", "email_key"])
    return entry
