"""The hall's tables under real concurrency: approvals at once never hand out more tables
than the hall has."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context, tenant_context

from event.models import Event
from tenant.models import Tenant, User
from tests.concurrency import run_at_once
from tests.vendors.conftest import apply, make_den
from vendors.models import Application
from vendors.services import ApplicationInput, application_decide, application_submit


@pytest.fixture
def committed_den(committed):
    alpha = Tenant.objects.get(schema_name="alpha")
    with tenant_context(alpha):
        den = make_den(hall_tables=3)
        den.event.is_active = False
        den.event.save(update_fields=["is_active"])
        applications = [apply(den) for _ in range(6)]
    try:
        yield alpha, applications
    finally:
        with tenant_context(alpha):
            accounts = list(Application.objects.values_list("account_id", flat=True))
            Application.objects.filter(event=den.event).delete()
            Event.objects.filter(pk=den.event.pk).delete()
        with schema_context("public"):
            User.objects.filter(pk__in=accounts).delete()


def test_six_approvals_at_once_for_a_three_table_hall_approve_three(committed_den):
    alpha, applications = committed_den

    def approve(application):
        with tenant_context(alpha):
            return application_decide(application_id=application.pk, decision="approved")

    results = run_at_once(approve, applications)

    refused = [r for r in results if isinstance(r, ValidationError)]
    assert sum(isinstance(r, Application) for r in results) == 3
    assert len(refused) == 3 and all("tables free" in " ".join(r.messages) for r in refused)
    with tenant_context(alpha):
        assert Application.objects.filter(status="approved").count() == 3
        held = sum(Application.objects.values_list("hall_tables", flat=True))
    assert held == 3


def test_a_double_click_at_the_same_moment_is_one_application_and_no_error(committed):
    alpha = Tenant.objects.get(schema_name="alpha")
    with tenant_context(alpha):
        den = make_den(hall_tables=3)
        den.event.is_active = False
        den.event.save(update_fields=["is_active"])
    with schema_context("public"):
        account = User.objects.create_user("double-click@example.org", "x" * 12)
    data = ApplicationInput(
        business_name="Clicky", contact_name="C", wares="Pins", table_type=den.half, tables=1
    )

    def submit(_n):
        with tenant_context(alpha):
            return application_submit(
                event=den.event, account=account, data=data, submission="same-form"
            )

    try:
        results = run_at_once(submit, range(4))
        assert all(isinstance(r, Application) for r in results), results
        assert len({r.pk for r in results}) == 1
    finally:
        with tenant_context(alpha):
            Application.objects.filter(event=den.event).delete()
            Event.objects.filter(pk=den.event.pk).delete()
        with schema_context("public"):
            account.delete()
