"""The application's state machine: every decision from every state is either a listed
transition or refused with a message, and payment only from approved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from payments.kinds import PaymentConflictError
from tests.vendors.conftest import apply
from vendors.models import Application
from vendors.services import (
    TRANSITIONS,
    application_decide,
    invoice_pay,
    invoices_release_overdue,
)

Status = Application.Status
DECISIONS = [Status.APPROVED, Status.WAITLISTED, Status.DECLINED]


@pytest.mark.parametrize("start", list(Status))
@pytest.mark.parametrize("decision", DECISIONS)
def test_each_decision_from_each_state_is_allowed_exactly_as_listed(den, start, decision):
    application = apply(den)
    Application.objects.filter(pk=application.pk).update(status=start)

    allowed = decision in TRANSITIONS[start]
    if allowed:
        application_decide(application_id=application.pk, decision=decision)
    else:
        with pytest.raises(ValidationError, match="application cannot become"):
            application_decide(application_id=application.pk, decision=decision)

    application.refresh_from_db()
    assert application.status == (decision if allowed else start)


def test_approval_issues_the_invoice_and_payment_is_once_and_exact(den):
    application = apply(den, tables=2)
    approved = application_decide(application_id=application.pk, decision=Status.APPROVED)

    with pytest.raises(ValidationError, match="does not match"):
        invoice_pay(reference=approved.reference, amount=Decimal("1.00"))
    paid = invoice_pay(reference=approved.reference, amount=Decimal("120.00"))
    again = invoice_pay(reference=approved.reference, amount=Decimal("120.00"))

    assert (approved.total, approved.hall_tables) == (Decimal("120.00"), 2)
    assert approved.due_at is not None
    assert paid.status == again.status == Status.PAID


def test_a_pending_or_declined_application_cannot_be_paid(den):
    pending = apply(den)
    declined = application_decide(application_id=apply(den).pk, decision=Status.DECLINED)

    for reference in (pending.reference, declined.reference):
        with pytest.raises(PaymentConflictError):
            invoice_pay(reference=reference, amount=Decimal("0"))


def test_a_missed_deadline_sends_the_dealer_back_and_the_next_waitlisted_gets_the_tables(den):
    den.settings.hall_tables = 2
    den.settings.save()
    late = application_decide(application_id=apply(den, tables=2).pk, decision=Status.APPROVED)
    waiting_big = application_decide(
        application_id=apply(den, table_type=den.double, tables=2).pk, decision=Status.WAITLISTED
    )
    waiting = application_decide(application_id=apply(den, tables=2).pk, decision=Status.WAITLISTED)

    released = invoices_release_overdue(now=late.due_at + dt.timedelta(minutes=1))

    late.refresh_from_db()
    waiting.refresh_from_db()
    waiting_big.refresh_from_db()
    assert released == 1
    assert (late.status, late.hall_tables) == (Status.WAITLISTED, 0)
    assert waiting_big.status == Status.WAITLISTED  # needs 4 hall tables: does not fit
    assert (waiting.status, waiting.hall_tables) == (Status.APPROVED, 2)
    with pytest.raises(PaymentConflictError):  # the late dealer's old invoice
        invoice_pay(reference=late.reference, amount=late.total)
