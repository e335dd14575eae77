import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from register.models import Order, Registration
from register.services import registration_settings_update
from tests.factories.register import BadgeLevelFactory, DiscountCodeFactory
from tests.factories.tenant import PASSWORD, UserFactory
from tests.register.form_data import person_fields, post_order

APPROVED_CARD = "4242 4242 4242 4242"


def test_two_people_pay_by_card_and_get_badges_mail_and_qr_codes(
    sale, buyer_client, django_capture_on_commit_callbacks
):
    event, level, shirt = sale

    placed = post_order(buyer_client, level, **{f"attendee-0-add_on_{shirt.pk}": "M"})
    pay_url = placed["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        paid = buyer_client.post(pay_url, {"card_number": APPROVED_CARD})
    order_page = buyer_client.get(paid["Location"])
    mine = buyer_client.get("/register/mine/")

    with tenant_context(order_page.wsgi_request.tenant):
        order = Order.objects.get()
        numbers = sorted(order.registrations.values_list("badge_number", flat=True))
    assert re.fullmatch(r"/payments/pay/register/\w+/", pay_url)
    assert (order.status, order.total) == ("paid", Decimal("140.00"))
    assert numbers == [200, 201]
    assert order_page.content.count(b"<svg") == 2
    assert (
        mine.content.count(b"<svg") == 2 and b"Fox 0" in mine.content and b"Fox 1" in mine.content
    )
    assert sorted(m.to[0] for m in mail.outbox) == ["person0@example.org", "person1@example.org"]
    assert mail.outbox[0].attachments[0][2] == "image/png"
    assert "Badge #:     20" in mail.outbox[0].body


def test_price_sent_by_the_client_is_ignored(sale, buyer_client):
    event, level, _ = sale

    post_order(
        buyer_client, level, people=1, price="0.01", total="0.01", **{"attendee-0-price": "0"}
    )

    with tenant_context(buyer_client.get("/").wsgi_request.tenant):
        assert Order.objects.get().total == Decimal("60.00")


def test_double_submitted_form_places_one_order(sale, buyer_client):
    event, level, _ = sale

    first = post_order(buyer_client, level, people=1, submission="same")
    second = post_order(buyer_client, level, people=1, submission="same")

    assert first.status_code == 302
    assert second.status_code == 409
    assert b"This form was already sent" in second.content
    with tenant_context(second.wsgi_request.tenant):
        assert Order.objects.count() == 1


def test_sold_out_level_answers_400_and_orders_nothing(sale, buyer_client):
    event, level, _ = sale
    post_order(buyer_client, level, people=2, submission="a")

    response = post_order(buyer_client, level, people=1, submission="b")

    assert response.status_code == 400
    assert b"Attendee is sold out." in response.content
    with tenant_context(response.wsgi_request.tenant):
        assert Registration.objects.count() == 2


def test_level_sold_out_meanwhile_is_refused_at_its_field_keeping_what_was_typed(
    sale, buyer_client, django_assert_max_num_queries
):
    event, level, _ = sale
    post_order(buyer_client, level, people=2, submission="a")  # the last two places

    # The page's reads, the account's language (remembered for mails) and whether this form
    # placed an order before (it would answer with that order, not "sold out").
    with django_assert_max_num_queries(14) as queries:
        response = post_order(buyer_client, level, people=1, submission="b")

    assert response.status_code == 400
    errors = re.search(rb'id="id_attendee-0-level_errors">(.*?)</div>', response.content, re.S)
    assert errors and b"Attendee is sold out." in errors.group(1)
    assert b'value="Person 0"' in response.content  # nothing typed is lost
    # Refused before the purchase's transaction: no row lock was taken.
    assert not any("FOR UPDATE" in query["sql"] for query in queries.captured_queries)


def test_impossible_birthdate_answers_400(sale, buyer_client):
    event, level, _ = sale
    data = person_fields(0, level, birthdate="2099-01-01")

    response = post_order(buyer_client, level, people=1, **data)

    assert response.status_code == 400
    assert b"Please check the birthdate." in response.content


def test_declined_card_leaves_the_order_pending(sale, buyer_client):
    event, level, _ = sale
    pay_url = post_order(buyer_client, level, people=1)["Location"]

    response = buyer_client.post(pay_url, {"card_number": "4000 0000 0000 0002"})

    assert response.status_code == 402
    assert b"The card was declined" in response.content
    with tenant_context(response.wsgi_request.tenant):
        assert Order.objects.get().status == "pending"


def test_order_pages_belong_to_their_buyer_and_tenant(sale, buyer_client, client_b):
    event, level, _ = sale
    order_url = post_order(buyer_client, level, people=1)["Location"].removesuffix("pay/")
    stranger = UserFactory()
    other = type(buyer_client)(HTTP_HOST="alpha.localhost")
    other.post("/accounts/login/", {"username": stranger.email, "password": PASSWORD})
    client_b.post("/accounts/login/", {"username": buyer_client.buyer.email, "password": PASSWORD})

    assert buyer_client.get(order_url).status_code == 200
    assert other.get(order_url).status_code == 404
    assert client_b.get(order_url).status_code == 404


def test_simulated_card_does_not_exist_without_debug(sale, buyer_client, settings):
    event, level, _ = sale
    pay_url = post_order(buyer_client, level, people=1)["Location"]
    settings.DEBUG = False

    assert buyer_client.get(pay_url).status_code == 404
    assert b"simulated" not in buyer_client.get("/register/").content.lower()


def _paid_registration(client, level, tenant):
    pay_url = post_order(client, level, people=1)["Location"]
    client.post(pay_url, {"card_number": APPROVED_CARD})
    with tenant_context(tenant):
        return Registration.objects.get()


@pytest.mark.parametrize(
    ("edit_until", "new_name", "status", "expected_name"),
    [
        (dt.date(2099, 1, 1), "Dusk Fox", 302, "Dusk Fox"),
        (dt.date(2099, 1, 1), "x" * 30, 400, "Fox 0"),
        (dt.date(2000, 1, 1), "Too Late", 400, "Fox 0"),
        (None, "Never Allowed", 400, "Fox 0"),
    ],
)
def test_attendee_renames_a_badge_until_the_cut_off(
    sale, buyer_client, tenant_a, edit_until, new_name, status, expected_name
):
    event, level, _ = sale
    registration = _paid_registration(buyer_client, level, tenant_a)
    with tenant_context(tenant_a):
        registration_settings_update(event=event, badge_name_edit_until=edit_until)

    response = buyer_client.post(
        f"/register/mine/{registration.pk}/badge-name/", {"badge_name": new_name}
    )

    with tenant_context(tenant_a):
        registration.refresh_from_db()
    assert response.status_code == status
    assert registration.badge_name == expected_name


def test_nobody_else_renames_my_badge(sale, buyer_client, tenant_a):
    event, level, _ = sale
    registration = _paid_registration(buyer_client, level, tenant_a)
    stranger = UserFactory()
    other = type(buyer_client)(HTTP_HOST="alpha.localhost")
    other.post("/accounts/login/", {"username": stranger.email, "password": PASSWORD})

    response = other.post(f"/register/mine/{registration.pk}/badge-name/", {"badge_name": "Hijack"})

    assert response.status_code == 404


def test_guessing_discount_codes_is_throttled(sale, buyer_client, tenant_a):
    event, level, _ = sale
    with tenant_context(tenant_a):
        DiscountCodeFactory(event=event, code="REALCODE")
    statuses = [
        post_order(
            buyer_client, level, people=1, submission=f"guess{n}", discount_code=f"GUESS{n}"
        ).status_code
        for n in range(10)
    ]

    blocked = post_order(buyer_client, level, people=1, submission="real", discount_code="realcode")

    assert statuses == [400] * 10
    assert blocked.status_code == 429
    assert b"Too many wrong discount codes" in blocked.content
    with tenant_context(tenant_a):
        assert Order.objects.count() == 0


def test_code_reveals_the_hidden_level_it_unlocks(sale, buyer_client, tenant_a):
    event, level, _ = sale
    with tenant_context(tenant_a):
        hidden = BadgeLevelFactory(event=event, name="Dealer Assistant", is_hidden=True)
        DiscountCodeFactory(event=event, code="DEALERS", kind="fixed", amount=0).unlocks.set(
            [hidden]
        )

    plain = buyer_client.get("/register/")
    unlocked = buyer_client.get("/register/?code=dealers")
    wrong = buyer_client.get("/register/?code=nope")

    assert b"Dealer Assistant" not in plain.content
    assert b"Dealer Assistant" in unlocked.content and b"Code DEALERS applied." in unlocked.content
    assert b"Dealer Assistant" not in wrong.content
    assert b"That code is not valid for this event now." in wrong.content
