"""Writing the organizer's registration settings (the reads are ``selectors.settings``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from event.models import Event
from register.models import RegistrationSettings
from register.services.audit import audit
from tenant.models import User


@transaction.atomic
def registration_settings_update(
    *, event: Event, by: User | None = None, **changes: Any
) -> RegistrationSettings:
    """Change the event's registration settings (``changes``: field → value), creating its
    row with the defaults first when it has none — reading settings never creates it. Audited
    (who; "settings changed"). The event's cached settings are replaced by the saved ones."""
    found, _ = RegistrationSettings.objects.select_for_update().get_or_create(event=event)
    for name, value in changes.items():
        setattr(found, name, value)
    found.full_clean(exclude=["event"])
    audit(found, by=by, reason="settings changed")
    found.save(update_fields=list(changes) or None)
    event.registration = found
    return found
