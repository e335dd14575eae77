from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from register.models import Order, Registration
from register.services import order_mark_paid, order_place
from tenant.roles import Role
from tests.factories.event import EventFactory
from tests.factories.register import BadgeLevelFactory, attendee
from tests.factories.tenant import PASSWORD, MembershipFactory, UserFactory


@pytest.fixture
def paid_order(tenant_a):
    with tenant_context(tenant_a):
        level = BadgeLevelFactory(event=EventFactory(), price=Decimal("60.00"))
        buyer = UserFactory()
        order = order_place(
            event=level.event,
            account=buyer,
            provider="simulated",
            attendees=[attendee(level, legal_name="Robin Fox")],
        )
        order_mark_paid(order_id=order.pk, amount=order.total, by=buyer, note="simulated")
        yield order, buyer


@pytest.fixture
def lead(tenant_a):
    return MembershipFactory(tenant=tenant_a, roles=[Role.REGISTRATION_LEAD]).user


def test_audit_entries_name_the_acting_account_and_the_change(paid_order):
    order, buyer = paid_order

    history = list(order.history.order_by("history_id"))

    assert [(h.status, h.history_user_id, h.history_change_reason) for h in history] == [
        ("pending", buyer.pk, "placed"),
        ("paid", buyer.pk, "paid: simulated"),
    ]
    delta = history[1].diff_against(history[0])
    assert {c.field: (c.old, c.new) for c in delta.changes if c.field == "status"} == {
        "status": ("pending", "paid")
    }
    registration_history = order.registrations.get().history.order_by("history_id")
    assert [h.history_user_id for h in registration_history] == [buyer.pk, buyer.pk]


def test_admin_edit_and_refund_are_audited_with_the_lead_and_visible_in_history(
    paid_order, lead, client_a
):
    order, _ = paid_order
    registration = order.registrations.get()
    client_a.post("/accounts/login/", {"username": lead.email, "password": PASSWORD})

    client_a.post(f"/admin/register/order/{order.pk}/refund/", {"amount": "60.00", "note": "ill"})
    page = client_a.get(f"/admin/register/registration/{registration.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None} | {"legal_name": "Robin Vix"}
    edited = client_a.post(f"/admin/register/registration/{registration.pk}/change/", data)
    order_history_page = client_a.get(f"/admin/register/order/{order.pk}/history/")
    registration_history_page = client_a.get(
        f"/admin/register/registration/{registration.pk}/history/"
    )

    latest_order = order.history.latest("history_id")
    latest_registration = registration.history.latest("history_id")
    assert edited.status_code == 302
    assert (latest_order.status, latest_order.history_user_id) == ("refunded", lead.pk)
    assert latest_order.history_change_reason == "refunded 60.00: ill"
    assert (latest_registration.legal_name, latest_registration.history_user_id) == (
        "Robin Vix",
        lead.pk,
    )
    assert order_history_page.status_code == 200
    assert lead.email.encode() in order_history_page.content
    assert registration_history_page.status_code == 200
    assert b"Robin Vix" in registration_history_page.content


def test_audit_trail_lives_in_the_tenant_schema(paid_order, tenant_b, client_b, lead):
    order, _ = paid_order
    with tenant_context(tenant_b):
        assert Order.history.count() == 0
        assert Registration.history.count() == 0
        tables = connection.introspection.table_names()
    assert "register_historicalorder" in tables
    MembershipFactory(tenant=tenant_b, user=lead, roles=[Role.REGISTRATION_LEAD])
    client_b.post("/accounts/login/", {"username": lead.email, "password": PASSWORD})
    page = client_b.get(f"/admin/register/order/{order.pk}/history/")
    assert page.status_code in (302, 404)
    assert order.reference.encode() not in page.content
