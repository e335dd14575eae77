"""Logged out, /register/ says why to log in and leads back to itself; on My registrations the
forms that act on a badge sit inside that badge's card."""

import re
from decimal import Decimal

from django_tenants.utils import tenant_context

from register.services import order_mark_paid, order_place, registration_settings_update
from tests.factories.register import BadgeLevelFactory, attendee
from tests.factories.tenant import PASSWORD, UserFactory


def test_logged_out_register_page_explains_and_links_back(sale, client_a):
    event, _, _ = sale
    page = client_a.get("/register/?people=2")
    html = page.content.decode()

    assert page.status_code == 200
    assert "First, log in or create an account" in html
    at = f"/{event.slug}"  # the page is at its event's address, and so are its links
    assert f'href="{at}/accounts/login/?next={at}/register/%3Fpeople%3D2"' in html
    assert f'href="{at}/accounts/signup/?next={at}/register/%3Fpeople%3D2"' in html
    assert "Attendee</strong> — $60.00" in html
    assert 'name="attendee-0-legal_name"' not in html  # the form needs an account


def test_logging_in_from_the_register_page_returns_to_it(sale, client_a):
    user = UserFactory()

    response = client_a.post(
        "/accounts/login/?next=/register/",
        {"username": user.email, "password": PASSWORD, "next": "/register/"},
    )

    assert response.status_code == 302 and response["Location"] == "/register/"


def test_a_logged_out_order_is_still_refused(sale, client_a):
    response = client_a.post("/register/", {})

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_transfer_and_upgrade_forms_sit_inside_their_badge_card(sale, buyer_client, tenant_a):
    event, level, _ = sale
    with tenant_context(tenant_a):
        registration_settings_update(event=event, transfers_allowed=True)
        BadgeLevelFactory(event=event, name="Sponsor", price=Decimal("150.00"))
        order = order_place(
            event=event,
            account=buyer_client.buyer,
            provider="simulated",
            attendees=[attendee(level, badge_name="Robin"), attendee(level, badge_name="Kit")],
        )
        order_mark_paid(order_id=order.pk, amount=order.total)
        ids = list(order.registrations.order_by("pk").values_list("pk", flat=True))

    html = buyer_client.get("/register/mine/").content.decode()

    cards = re.findall(r'<article class="badge">(.*?)</article>', html, re.DOTALL)
    assert len(cards) == 2
    for card, pk in zip(cards, ids, strict=True):
        assert f'action="/{event.slug}/register/mine/{pk}/transfer/"' in card
        assert f'action="/{event.slug}/register/mine/{pk}/upgrade/"' in card
    outside = re.sub(r'<article class="badge">.*?</article>', "", html, flags=re.DOTALL)
    assert "/transfer/" not in outside and "/upgrade/" not in outside
