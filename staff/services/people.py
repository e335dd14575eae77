"""Volunteer applications, acceptance into departments, heads and department roles."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from event.models import Event
from register.models import BadgeLevel, Registration
from register.selectors import registrations_of_account
from register.services import staff_badge_comp
from staff.errors import ShiftRefusedError
from staff.models import Department, DepartmentMember, DepartmentRole, Volunteer
from staff.services.mail import queue_application_decided
from tenant.current import current_schema
from tenant.models import User


@transaction.atomic
def volunteer_apply(
    *,
    event: Event,
    account: User,
    availability: str = "",
    skills: str = "",
    shirt_size: str = "",
    emergency_contact: str,
    interests: Iterable[Department] = (),
    kind: str = Volunteer.Kind.VOLUNTEER,
) -> Volunteer:
    """Apply to volunteer (or update one's application). Links the person's badge here when
    they hold one. An accepted volunteer keeps their status."""
    registration = registrations_of_account(account_id=account.pk).filter(event=event).first()
    volunteer, _created = Volunteer.objects.select_for_update().get_or_create(
        event=event,
        account_id=account.pk,
        defaults={"name": account.full_name or account.email, "emergency_contact": ""},
    )
    volunteer.availability = availability
    volunteer.skills = skills
    volunteer.shirt_size = shirt_size
    volunteer.emergency_contact = emergency_contact
    volunteer.kind = kind
    volunteer.registration = registration
    volunteer.save(
        update_fields=[
            "availability",
            "skills",
            "shirt_size",
            "emergency_contact",
            "kind",
            "registration",
        ]
    )
    volunteer.interests.set([d for d in interests if d.event_id == event.pk])
    return volunteer


@transaction.atomic
def volunteer_accept(
    *, volunteer_id: int, department: Department, is_head: bool = False
) -> DepartmentMember:
    """Accept the volunteer into a department (or make them its head)."""
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer_id)
    if volunteer.event_id != department.event_id:
        raise ShiftRefusedError(_("This person applied to another event."))
    if volunteer.status != Volunteer.Status.ACCEPTED:
        volunteer.status = Volunteer.Status.ACCEPTED
        volunteer.save(update_fields=["status"])
    member, created = DepartmentMember.objects.get_or_create(
        department=department, volunteer=volunteer, defaults={"is_head": is_head}
    )
    if not created and is_head and not member.is_head:
        member.is_head = True
        member.save(update_fields=["is_head"])
    return member


@transaction.atomic
def applicant_accept(*, volunteer_id: int, department: Department) -> DepartmentMember:
    """A head (or the staffing lead) accepts an applicant into their department; the applicant
    is told by mail after the commit. Accepting someone already in the department changes
    nothing and mails nothing."""
    already = DepartmentMember.objects.filter(
        department=department, volunteer_id=volunteer_id
    ).exists()
    member = volunteer_accept(volunteer_id=volunteer_id, department=department)
    if not already:
        queue_application_decided(volunteer_id=volunteer_id, department_id=department.pk)
    return member


@transaction.atomic
def applicant_decline(*, volunteer_id: int) -> Volunteer:
    """The staffing lead declines an application still open; the applicant is told by mail.
    Someone already accepted into a department is not declined here (remove them there)."""
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer_id)
    if volunteer.status != Volunteer.Status.APPLIED:
        raise ShiftRefusedError(
            _("Only open applications can be declined; %(name)s is %(status)s.")
            % {"name": volunteer.name, "status": volunteer.get_status_display().lower()}
        )
    volunteer = volunteer_decline(volunteer_id=volunteer_id)
    queue_application_decided(volunteer_id=volunteer_id, department_id=None)
    return volunteer


@transaction.atomic
def volunteer_decline(*, volunteer_id: int) -> Volunteer:
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer_id)
    volunteer.status = Volunteer.Status.DECLINED
    volunteer.save(update_fields=["status"])
    return volunteer


@transaction.atomic
def role_grant(*, role: DepartmentRole, volunteer_id: int) -> None:
    """Certify a volunteer for a department role (idempotent)."""
    volunteer = Volunteer.objects.get(pk=volunteer_id)
    if volunteer.event_id != role.department.event_id:
        raise ShiftRefusedError(_("This person applied to another event."))
    role.holders.add(volunteer)


def feed_token(volunteer: Volunteer) -> str:
    """The personal feed token: derived from the server's secret, this convention's schema, the
    volunteer and the salt — unguessable, and useless at any other convention."""
    message = f"staff-feed:{current_schema()}:{volunteer.pk}:{volunteer.feed_salt}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


@transaction.atomic
def feed_token_ensure(*, volunteer_id: int, renew: bool = False) -> str:
    """The volunteer's iCal feed token, made on first use; ``renew`` withdraws the old link.
    Only its SHA-256 is stored."""
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer_id)
    if volunteer.feed_salt and not renew:
        return feed_token(volunteer)
    volunteer.feed_salt = secrets.token_hex(16)
    token = feed_token(volunteer)
    volunteer.feed_lookup = hashlib.sha256(token.encode()).hexdigest()
    volunteer.save(update_fields=["feed_salt", "feed_lookup"])
    return token


@transaction.atomic
def person_erase(*, account_id: int) -> int:
    """The person's data here: volunteer records anonymized (hours worked stay in the
    department's totals without a name), feed links withdrawn. Returns records changed."""
    count = 0
    for volunteer in Volunteer.objects.select_for_update().filter(account_id=account_id):
        volunteer.name = _("Anonymized")
        volunteer.account_id = -volunteer.pk  # no account; still unique per event
        volunteer.availability = volunteer.skills = volunteer.emergency_contact = ""
        volunteer.shirt_size = ""
        volunteer.registration = None
        volunteer.feed_salt = volunteer.feed_lookup = ""
        volunteer.save(
            update_fields=[
                "name",
                "account_id",
                "availability",
                "skills",
                "emergency_contact",
                "shirt_size",
                "registration",
                "feed_salt",
                "feed_lookup",
            ]
        )
        volunteer.interests.clear()
        count += 1
    return count


@transaction.atomic
def volunteer_comp_badge(
    *,
    volunteer_id: int,
    level: BadgeLevel,
    birthdate: dt.date,
    phone: str,
    by: User | None = None,
) -> Registration:
    """Grant an accepted staff member a comped staff badge through registration's service
    (``register.services.staff_badge_comp``: a free order, a number from the staff range, the
    confirmation mail) and link it to their volunteer record. Idempotent."""
    volunteer = Volunteer.objects.select_for_update().select_related("event").get(pk=volunteer_id)
    if volunteer.kind != Volunteer.Kind.STAFF or volunteer.status != Volunteer.Status.ACCEPTED:
        raise ShiftRefusedError(_("Only accepted staff get a comped staff badge."))
    account = User.objects.get(pk=volunteer.account_id)
    registration = staff_badge_comp(
        event=volunteer.event,
        account=account,
        level=level,
        legal_name=volunteer.name,
        badge_name=volunteer.name[:64],
        birthdate=birthdate,
        phone=phone,
        emergency_contact=volunteer.emergency_contact,
        by=by,
    )
    if volunteer.registration_id != registration.pk:
        volunteer.registration = registration
        volunteer.save(update_fields=["registration"])
    return registration
