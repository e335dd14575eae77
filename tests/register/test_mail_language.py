"""Mails sent by the worker are written in the language the account last used here."""

from django.core import mail
from django_tenants.utils import tenant_context

from register.models import AccountLanguage
from register.services import (
    account_language_remember,
    order_mark_paid,
    order_place,
    order_send_confirmation,
)
from tests.factories.register import attendee
from tests.factories.tenant import UserFactory


def test_a_form_sent_in_german_makes_the_badge_mail_german(sale, tenant_a, buyer_client):
    event, level, _ = sale

    response = buyer_client.post(
        f"/register/waitlist/{level.pk}/join/", {}, HTTP_ACCEPT_LANGUAGE="de"
    )
    with tenant_context(tenant_a):
        stored = AccountLanguage.objects.get(account_id=buyer_client.buyer.pk).language
        order = order_place(
            event=event,
            account=buyer_client.buyer,
            provider="simulated",
            attendees=[attendee(level, legal_name="Kim Muster")],
        )
        order_mark_paid(order_id=order.pk, amount=order.total)
        mail.outbox.clear()
        order_send_confirmation(order_id=order.pk)

    (message,) = mail.outbox
    assert response.status_code in (302, 400)
    assert stored == "de"
    assert message.body.startswith("Hallo Kim Muster,")
    assert "Bestellung:" in message.body


def test_without_a_remembered_language_mails_are_english_and_unknown_codes_are_ignored(
    sale, tenant_a, tenant_b
):
    event, level, _ = sale
    buyer = UserFactory()
    with tenant_context(tenant_b):
        account_language_remember(account_id=buyer.pk, language="de")  # another convention
    with tenant_context(tenant_a):
        account_language_remember(account_id=buyer.pk, language="xx")
        order = order_place(
            event=event, account=buyer, provider="simulated", attendees=[attendee(level)]
        )
        order_mark_paid(order_id=order.pk, amount=order.total)
        mail.outbox.clear()
        order_send_confirmation(order_id=order.pk)
        remembered = AccountLanguage.objects.filter(account_id=buyer.pk).exists()

    (message,) = mail.outbox
    assert not remembered
    assert message.body.startswith("Hello Robin Fox,")
