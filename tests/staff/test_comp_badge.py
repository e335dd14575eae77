"""A comped staff badge, issued through registration's service (never staff writing
registration's tables): a free paid order, a number from the staff range, linked to the
volunteer; once per person."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from event.models import BadgeNumberRange
from register.models import Order, Registration
from register.services import staff_badge_comp
from staff.errors import ShiftRefusedError
from staff.models import Volunteer
from staff.services import volunteer_comp_badge
from tenant.models import User
from tests.factories.register import BadgeLevelFactory
from tests.factories.staff import VolunteerFactory

pytestmark = pytest.mark.django_db


def _staff_level(event):
    BadgeNumberRange.objects.create(event=event, kind="staff", first_number=1, last_number=199)
    BadgeNumberRange.objects.create(event=event, kind="attendee", first_number=1000)
    return BadgeLevelFactory(event=event, name="Staff", badge_kind="staff")


def test_accepted_staff_get_a_free_numbered_staff_badge_once(
    tenant_a, staffing, django_capture_on_commit_callbacks
):
    with tenant_context(tenant_a):
        level = _staff_level(staffing.event)
        volunteer = VolunteerFactory(
            event=staffing.event, kind=Volunteer.Kind.STAFF, name="Robin Fox"
        )

        with django_capture_on_commit_callbacks(execute=True):
            badge = volunteer_comp_badge(
                volunteer_id=volunteer.pk,
                level=level,
                birthdate=dt.date(1990, 5, 17),
                phone="+1 215 555 0100",
            )
        again = volunteer_comp_badge(
            volunteer_id=volunteer.pk,
            level=level,
            birthdate=dt.date(1990, 5, 17),
            phone="+1 215 555 0100",
        )

        volunteer.refresh_from_db()
        assert (badge.badge_number, badge.price, badge.order.status) == (1, 0, Order.Status.PAID)
        assert badge.order.provider == Order.Provider.FREE
        assert again.pk == badge.pk
        assert Registration.objects.count() == 1
        assert volunteer.registration_id == badge.pk
        assert [m.to for m in mail.outbox] == [[User.objects.get(pk=volunteer.account_id).email]]


def test_a_volunteer_or_an_attendee_level_gets_no_comp(tenant_a, staffing):
    with tenant_context(tenant_a):
        _staff_level(staffing.event)
        attendee_level = BadgeLevelFactory(event=staffing.event, name="Attendee")
        helper = VolunteerFactory(event=staffing.event)
        crew = VolunteerFactory(event=staffing.event, kind=Volunteer.Kind.STAFF)

        with pytest.raises(ShiftRefusedError, match="Only accepted staff"):
            volunteer_comp_badge(
                volunteer_id=helper.pk,
                level=attendee_level,
                birthdate=dt.date(1990, 5, 17),
                phone="555",
            )
        with pytest.raises(ValidationError, match="Only a staff badge level"):
            staff_badge_comp(
                event=staffing.event,
                account=User.objects.get(pk=crew.account_id),
                level=attendee_level,
                legal_name="Kai Otter",
                badge_name="Kai",
                birthdate=dt.date(1990, 5, 17),
                phone="555",
                emergency_contact="Sam",
            )
        assert Registration.objects.count() == 0
