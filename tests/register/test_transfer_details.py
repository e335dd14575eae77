"""After a transfer the add-ons and answers go with the badge: its new holder sees them in
the badge's card; the buyer's order page says the badge was handed over, without the new
holder's name or the answers."""

import re

from django.core import mail
from django_tenants.utils import tenant_context

from register.services import order_mark_paid, order_place, registration_settings_update
from tests.factories.register import QuestionFactory, attendee
from tests.factories.tenant import UserFactory

RECIPIENT = {
    "legal_name": "Sam Otter",
    "badge_name": "Otter",
    "birthdate": "1992-03-04",
    "email": "sam@example.org",
    "phone": "+1 555 0199",
    "emergency_contact": "Kim +1 555 0198",
}


def test_new_holder_sees_add_ons_and_answers_and_the_buyer_sees_handed_over(
    sale, tenant_a, logged_in, django_capture_on_commit_callbacks
):
    event, level, shirt = sale
    buyer = UserFactory()
    with tenant_context(tenant_a):
        registration_settings_update(event=event, transfers_allowed=True)
        diet = QuestionFactory(event=event, label="Dietary needs")
        order = order_place(
            event=event,
            account=buyer,
            provider="simulated",
            attendees=[
                attendee(level, add_ons=((shirt.pk, "L"),), answers={diet.pk: "Vegetarian"})
            ],
        )
        order_mark_paid(order_id=order.pk, amount=order.total)
        registration = order.registrations.get()
    seller = logged_in(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        seller.post(f"/register/mine/{registration.pk}/transfer/", {"email": "sam@example.org"})
    link = re.search(r"(/register/transfer/[\w-]+/)", mail.outbox[-1].body)[1]
    recipient = logged_in(UserFactory())
    assert recipient.post(link, RECIPIENT).status_code == 302

    holder_page = recipient.get("/register/mine/").content.decode()
    buyer_page = seller.get(f"/register/orders/{order.reference}/").content.decode()

    assert "T-shirt (L) · $20.00" in holder_page
    assert "<dt>Dietary needs</dt><dd>Vegetarian</dd>" in holder_page
    assert "Handed over" in buyer_page
    assert "Sam Otter" not in buyer_page and "Vegetarian" not in buyer_page
