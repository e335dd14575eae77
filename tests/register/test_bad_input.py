"""Hand-edited links and forged posts get a clear 4xx (or a sensible fallback), never a 500."""

import pytest
from django_tenants.utils import tenant_context

from register.models import Order
from tests.register.form_data import person_fields, post_order


@pytest.mark.parametrize(
    ("people", "forms"),
    [("abc", 1), ("", 1), ("-3", 1), ("0", 1), ("2", 2), ("99", 6), ("1" * 5000, 1), ("2.5", 1)],
)
def test_register_page_with_any_people_value_shows_sensible_forms(
    sale,  # noqa: F811
    buyer_client,  # noqa: F811
    people,
    forms,
):
    response = buyer_client.get("/register/", {"people": people})

    assert response.status_code == 200
    assert response.context["people"] == forms
    assert len(response.context["formset"].forms) == forms


def test_register_post_with_bad_people_and_broken_management_form_answers_400(
    sale,  # noqa: F811
    buyer_client,  # noqa: F811
    tenant_a,
):
    _, level, _ = sale
    data = {
        "attendee-TOTAL_FORMS": "abc",
        "attendee-INITIAL_FORMS": "x",
        "provider": "simulated",
        "submission": "s1",
        "discount_code": "",
    } | person_fields(0, level)

    response = buyer_client.post("/register/?people=abc", data)

    assert response.status_code == 400
    with tenant_context(tenant_a):
        assert Order.objects.count() == 0


def test_register_post_without_any_fields_answers_400(sale, buyer_client):  # noqa: F811
    response = buyer_client.post("/register/?people=", {})

    assert response.status_code == 400


def test_register_post_with_a_non_numeric_level_answers_400(
    sale,  # noqa: F811
    buyer_client,  # noqa: F811
    tenant_a,
):
    _, level, _ = sale

    response = post_order(buyer_client, level, people=1, **{"attendee-0-level": "abc"})

    assert response.status_code == 400
    assert "attendee-0-level" in response.content.decode()
    with tenant_context(tenant_a):
        assert Order.objects.count() == 0


@pytest.mark.parametrize(
    "data", [{}, {"level": "abc", "provider": "simulated"}, {"level": "", "provider": "nope"}]
)
def test_upgrade_with_bad_fields_answers_400(sale, buyer_client, data):  # noqa: F811
    response = buyer_client.post("/register/mine/999999/upgrade/", data)

    assert response.status_code == 400


@pytest.mark.parametrize("data", [{}, {"email": "not-an-email"}, {"email": "x@example.org"}])
def test_transfer_offer_with_bad_fields_or_unknown_badge_answers_400(
    sale,  # noqa: F811
    buyer_client,  # noqa: F811
    data,
):
    response = buyer_client.post("/register/mine/999999/transfer/", data)

    assert response.status_code == 400


def test_badge_name_without_a_name_answers_4xx(sale, buyer_client):  # noqa: F811
    response = buyer_client.post("/register/mine/999999/badge-name/", {})

    assert response.status_code == 404


def test_joining_the_waiting_list_of_an_unknown_level_answers_400(
    sale,  # noqa: F811
    buyer_client,  # noqa: F811
):
    response = buyer_client.post("/register/waitlist/999999/join/")

    assert response.status_code == 400


@pytest.mark.parametrize("data", [{}, {"leader-level": "abc", "quantity": "many"}])
def test_group_order_with_bad_fields_answers_400(sale, buyer_client, data):  # noqa: F811
    response = buyer_client.post("/register/group/", data)

    assert response.status_code == 400


@pytest.mark.parametrize("data", [{}, {"attendee-TOTAL_FORMS": "zz", "provider": "x"}])
def test_unknown_offer_or_transfer_token_answers_404(sale, buyer_client, data):  # noqa: F811
    assert buyer_client.post("/register/offer/nope/", data).status_code == 404
    assert buyer_client.post("/register/transfer/nope/", data).status_code == 404


def test_simulated_payment_with_no_card_number_answers_400(sale, buyer_client):  # noqa: F811
    _, level, _ = sale
    pay_url = post_order(buyer_client, level, people=1)["Location"]

    response = buyer_client.post(pay_url, {})

    assert response.status_code in (400, 402)
