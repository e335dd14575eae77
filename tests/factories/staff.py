"""Staffing test data. Create inside ``tenant_context(tenant)``."""

import datetime as dt

import factory

from staff.models import Department, DepartmentMember, DepartmentRole, Job, Volunteer
from tests.factories.event import EventFactory
from tests.factories.tenant import UserFactory


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Department {n}")
    slug = factory.Sequence(lambda n: f"department-{n}")


class VolunteerFactory(factory.django.DjangoModelFactory):
    """An accepted volunteer with an account (pass ``account`` to choose it)."""

    class Meta:
        model = Volunteer
        exclude = ["account"]

    event = factory.SubFactory(EventFactory)
    account = factory.SubFactory(UserFactory)
    account_id = factory.LazyAttribute(lambda v: v.account.pk)
    name = factory.LazyAttribute(lambda v: v.account.full_name)
    status = Volunteer.Status.ACCEPTED
    emergency_contact = "Sam, +1 555 0100"


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DepartmentMember

    department = factory.SubFactory(DepartmentFactory)
    volunteer = factory.SubFactory(
        VolunteerFactory, event=factory.SelfAttribute("..department.event")
    )
    is_head = False


class DepartmentRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DepartmentRole

    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"Certified {n}")


class JobFactory(factory.django.DjangoModelFactory):
    """A two-hour job starting a year from the test's clock (override ``start``)."""

    class Meta:
        model = Job

    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"Job {n}")
    start = factory.LazyFunction(lambda: dt.datetime(2031, 7, 1, 10, 0, tzinfo=dt.UTC))
    end = factory.LazyAttribute(lambda job: job.start + dt.timedelta(hours=2))
    places = 2
