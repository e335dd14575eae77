"""The person's staffing data: in "my data", and anonymized on "delete my data"."""

import pytest
from django_tenants.utils import tenant_context

from staff.models import Shift, Volunteer
from staff.platform import Contract
from staff.services import feed_token_ensure, shift_sign_up
from tests.factories.staff import JobFactory, VolunteerFactory
from tests.factories.tenant import UserFactory
from tests.staff.conftest import NOW

pytestmark = pytest.mark.django_db


def test_my_data_holds_the_application_and_shifts_and_erase_anonymizes(tenant_a, staffing):
    person = UserFactory()
    with tenant_context(tenant_a):
        volunteer = VolunteerFactory(
            event=staffing.event, account=person, name="Robin Fox", skills="Radio"
        )
        job = JobFactory(department=staffing.department, name="Badge desk")
        shift_sign_up(job_id=job.pk, volunteer_id=volunteer.pk, now=NOW)
        feed_token_ensure(volunteer_id=volunteer.pk)

        data = Contract().personal_data(account=person)
        erased = Contract().personal_data_erase(account=person)

        assert data[0]["name"] == "Robin Fox"
        assert data[0]["emergency_contact"] == "Sam, +1 555 0100"
        assert [s["job"] for s in data[0]["shifts"]] == ["Badge desk"]
        assert erased == 1
        volunteer = Volunteer.objects.get()
        assert (volunteer.name, volunteer.emergency_contact, volunteer.skills) == (
            "Anonymized",
            "",
            "",
        )
        assert volunteer.account_id != person.pk
        assert volunteer.feed_lookup == ""
        assert Shift.objects.count() == 1  # the hours stay in the department's totals
        assert Contract().personal_data(account=person) is None
