"""Desks scanning at once, each on its own database connection: a badge checks in once."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context, tenant_context

from kiosk.models import CheckIn
from kiosk.services import checkin_redeem
from register.models import Order, Registration
from tenant.models import Tenant, User
from tests.concurrency import run_at_once
from tests.kiosk.conftest import make_event, paid_badges

DESKS = 8


@pytest.fixture
def committed_badge(committed, settings):
    settings.DEBUG = True
    alpha = Tenant.objects.get(schema_name="alpha")
    with tenant_context(alpha):
        event, level = make_event(is_active=False)
        (badge,) = paid_badges(event, level)
    try:
        yield alpha, event, badge
    finally:
        with tenant_context(alpha):
            CheckIn.objects.filter(event=event).delete()
            account_id = badge.order.account_id
            Registration.objects.filter(event=event).delete()
            Order.objects.filter(event=event).delete()
            event.delete()
        with schema_context("public"):
            User.objects.filter(pk=account_id).delete()


def test_desks_scanning_one_badge_at_once_check_it_in_once(committed_badge):
    alpha, event, badge = committed_badge

    def scan(desk):
        with tenant_context(alpha):
            return checkin_redeem(
                event=event, secret=badge.checkin_token, nonce=f"desk-{desk}", desk=str(desk)
            )

    answers = run_at_once(scan, range(DESKS))

    assert sorted((a.status, a.reason) for a in answers) == [("error", "already_redeemed")] * (
        DESKS - 1
    ) + [("ok", "")]
    with tenant_context(alpha):
        assert CheckIn.objects.filter(registration_id=badge.pk).count() == 1


def test_one_nonce_retried_at_once_is_one_checkin(committed_badge):
    alpha, event, badge = committed_badge

    def scan(_attempt):
        with tenant_context(alpha):
            return checkin_redeem(event=event, secret=badge.checkin_token, nonce="same-nonce")

    answers = run_at_once(scan, range(DESKS))

    assert [a.status for a in answers] == ["ok"] * DESKS
    assert sorted(a.duplicate for a in answers) == [False] + [True] * (DESKS - 1)
    assert len({a.checkin.pk for a in answers}) == 1
    with tenant_context(alpha):
        assert CheckIn.objects.filter(registration_id=badge.pk).count() == 1
