"""The badges that come with a paid table — the dealer's and one per partner — issued as
registrations by ``register``'s services (a dealer level, numbers from the dealer range), and
cancelled there when the table is: a waitlisted, declined or cancelled dealer never holds a
dealer badge that checks in."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from register.models import Registration
from register.services import comp_revoke, dealer_badge_comp
from tenant.models import User
from vendors.models import Application, DealerBadge, VendorSettings


def badges_included(application: Application) -> int:
    """The dealer's own badge and one for each partner."""
    return 1 + application.partners


@transaction.atomic
def dealer_badge_issue(
    *,
    application_id: int,
    account: User,
    legal_name: str,
    badge_name: str,
    birthdate: dt.date,
    email: str,
    phone: str,
    emergency_contact: str,
) -> Registration:
    """The paid dealer names a holder for one of their table's badges (themselves or a
    partner). Under the application's lock: never more badges than the table comes with."""
    application = (
        Application.objects.select_for_update()
        .select_related("event")
        .filter(pk=application_id, account_id=account.pk)
        .first()
    )
    if application is None or application.status != Application.Status.PAID:
        raise ValidationError(_("Badges come with a paid table."))
    level = VendorSettings.objects.get(event_id=application.event_id).badge_level
    if level is None:
        raise ValidationError(_("This convention's tables come without badges."))
    if application.badges.count() >= badges_included(application):
        raise ValidationError(
            _("Your table comes with %(count)s badges; all of them are named.")
            % {"count": badges_included(application)}
        )
    registration = dealer_badge_comp(
        event=application.event,
        account=account,
        level=level,
        legal_name=legal_name,
        badge_name=badge_name,
        birthdate=birthdate,
        email=email,
        phone=phone,
        emergency_contact=emergency_contact,
        by=account,
    )
    DealerBadge.objects.create(application=application, registration=registration)
    return registration


def badges_revoke(application: Application, *, by: User | None) -> int:
    """Cancel the badges of a table that is gone (in the caller's transaction)."""
    badges = list(application.badges.values_list("registration_id", flat=True))
    for registration_id in badges:
        comp_revoke(
            registration_id=registration_id, by=by, note=f"dealer table {application.reference}"
        )
    return len(badges)
