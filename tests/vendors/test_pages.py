"""The dealers' den pages: applying (window, limits, a double submit), the dealer's page and
paying the invoice through ``payments``, the jury's blind scores, the lead's decisions, the
public den; bad input answers 4xx with a message."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from tenant.roles import Role
from tests.clients import PersonClient
from tests.conftest import TENANT_HOSTS
from tests.factories.tenant import PASSWORD, MembershipFactory, UserFactory
from tests.vendors.conftest import apply
from vendors.models import Application, Review
from vendors.services import application_decide, hall_layout_set, review_submit, tables_place

FORM = {
    "business_name": "Foxy Prints",
    "contact_name": "Robin Fox",
    "website": "https://foxy.example",
    "wares": "Prints and stickers",
    "categories": "prints",
    "tables": 1,
    "submission": "form-1",
}


def _client(user=None, tenant="alpha") -> Client:
    user = user or UserFactory()
    client = PersonClient(HTTP_HOST=TENANT_HOSTS[tenant])
    client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    client.user = user
    return client


def _member(tenant, *roles):
    return _client(MembershipFactory(tenant=tenant, roles=list(roles)).user)


def test_a_dealer_applies_once_and_changes_it_while_pending(
    den, django_capture_on_commit_callbacks
):
    dealer = _client()
    form = {**FORM, "table_type": den.half.pk}

    with django_capture_on_commit_callbacks(execute=True):
        first = dealer.post("/dealers/apply/", form)
    again = dealer.post("/dealers/apply/", form)  # the same form sent twice
    changed = dealer.post("/dealers/apply/", {**form, "tables": 2})
    page = dealer.get("/dealers/mine/").content.decode()

    application = Application.objects.get()
    assert first.status_code == again.status_code == changed.status_code == 302
    assert (application.tables, application.status) == (2, "pending")
    assert "Foxy Prints" in page and "Pending review" in page
    assert "We received the application of Foxy Prints" in mail.outbox[0].body


def test_bad_applications_are_400_with_the_reason_and_write_nothing(den):
    dealer = _client()
    too_many = dealer.post("/dealers/apply/", {**FORM, "table_type": den.half.pk, "tables": 3})
    no_wares = dealer.post("/dealers/apply/", {**FORM, "table_type": den.half.pk, "wares": ""})
    den.settings.closes_at = timezone.now() - dt.timedelta(minutes=1)
    den.settings.opens_at = timezone.now() - dt.timedelta(days=2)
    den.settings.save()
    closed = dealer.post("/dealers/apply/", {**FORM, "table_type": den.half.pk})

    assert too_many.status_code == 400 and "At most 2 tables per dealer." in too_many.text
    assert no_wares.status_code == 400 and "This field is required." in no_wares.text
    assert closed.status_code == 400 and "Applications are not open now." in closed.text
    assert Application.objects.count() == 0


def test_the_approved_dealer_pays_by_card_and_appears_in_the_den(
    den, django_capture_on_commit_callbacks
):
    account = UserFactory()
    application = apply(den, business="Foxy Prints", account=account)
    with django_capture_on_commit_callbacks(execute=True):
        application_decide(application_id=application.pk, decision="approved")
    dealer = _client(account)

    invoice = dealer.get("/dealers/mine/").content.decode()
    to_card = dealer.post("/dealers/mine/", {"provider": "simulated"})
    paid = dealer.post(to_card["Location"], {"card_number": "4242 4242 4242 4242"})
    den_page = PersonClient(HTTP_HOST=TENANT_HOSTS["alpha"]).get("/dealers/").content.decode()

    application.refresh_from_db()
    assert "Invoice $60.00, to pay by" in invoice
    assert "invoice: $60.00, to pay by" in mail.outbox[-1].body
    assert to_card["Location"] == f"/payments/pay/vendors/{application.reference}/"
    assert paid.status_code == 302 and paid["Location"] == "/dealers/mine/"
    assert application.status == "paid"
    assert "Foxy Prints" in den_page


def test_nothing_to_pay_and_no_way_to_pay_are_refused(den):
    account = UserFactory()
    apply(den, account=account)
    dealer = _client(account)

    pending = dealer.post("/dealers/mine/", {"provider": "simulated"})

    assert pending.status_code == 409 and "There is no invoice to pay." in pending.text


def test_jurors_see_the_others_scores_only_after_scoring(den, tenant_a):
    application = apply(den, business="Foxy Prints")
    earlier = UserFactory()
    review_submit(application=application, reviewer=earlier, score=5, note="Lovely work")
    juror = _member(tenant_a, Role.VENDOR_REVIEWER)

    before = juror.get(f"/dealers/review/{application.pk}/").content.decode()
    listing = juror.get("/dealers/review/").content.decode()
    juror.post(f"/dealers/review/{application.pk}/", {"score": 3})
    after = juror.get(f"/dealers/review/{application.pk}/").content.decode()
    listing_after = juror.get("/dealers/review/").content.decode()
    bad = juror.post(f"/dealers/review/{application.pk}/", {"score": 9})
    decide = juror.post(f"/dealers/review/{application.pk}/decide/", {"decision": "approved"})

    assert "Lovely work" not in before and "hidden until you score" in listing
    assert "Lovely work" in after
    assert "4.0 ± 1.0 (2)" in listing_after  # average ± standard deviation (count)
    assert bad.status_code == 400
    assert decide.status_code == 403  # a juror decides nothing
    assert Review.objects.count() == 2


def test_the_lead_decides_and_the_hall_limit_is_a_409_with_the_numbers(den, tenant_a):
    den.settings.hall_tables = 1
    den.settings.save()
    first, second = apply(den), apply(den)
    lead = _member(tenant_a, Role.VENDOR_LEAD)

    approved = lead.post(f"/dealers/review/{first.pk}/decide/", {"decision": "approved"})
    full = lead.post(f"/dealers/review/{second.pk}/decide/", {"decision": "approved"})
    nonsense = lead.post(f"/dealers/review/{second.pk}/decide/", {"decision": "maybe"})

    assert approved.status_code == 302
    assert full.status_code == 409 and "The hall has 0 tables free" in full.text
    assert nonsense.status_code == 400
    assert list(Application.objects.order_by("pk").values_list("status", flat=True)) == [
        "approved",
        "pending",
    ]


def test_a_volunteer_or_attendee_cannot_review(den):
    assert _client().get("/dealers/review/").status_code == 403


def test_another_convention_knows_nothing_of_alphas_dealers(den, tenant_a, tenant_b):
    account = UserFactory()
    application = apply(den, business="Foxy Prints", account=account)
    application_decide(application_id=application.pk, decision="approved")
    beta_lead = _client(MembershipFactory(tenant=tenant_b, roles=[Role.VENDOR_LEAD]).user, "beta")
    alpha_dealer_at_beta = _client(account, "beta")

    review = beta_lead.get(f"/dealers/review/{application.pk}/")
    card = alpha_dealer_at_beta.get(f"/payments/pay/vendors/{application.reference}/")
    den_page = PersonClient(HTTP_HOST=TENANT_HOSTS["beta"]).get("/dealers/")

    assert review.status_code == 404  # beta has no den, and no such application
    assert card.status_code == 404
    assert "Foxy Prints" not in den_page.content.decode()


@pytest.mark.parametrize("dealers", [1, 3, 30])
def test_the_review_list_and_the_den_cost_the_same_queries_for_1_3_and_30_dealers(
    den, tenant_a, django_assert_num_queries, warm_routes, dealers
):
    den.settings.hall_tables = 100
    den.settings.save()
    for n in range(dealers):
        application = apply(den, business=f"Dealer {n}")
        review_submit(application=application, reviewer=UserFactory(), score=4)
        if n % 2 == 0:
            application_decide(application_id=application.pk, decision="approved")
    Application.objects.filter(status="approved").update(status="paid")
    hall_layout_set(event=den.event, rows=10, per_row=10)
    for n, paid in enumerate(Application.objects.filter(status="paid")):
        tables_place(application_id=paid.pk, labels=[f"{'ABCDEFGHIJ'[n // 10]}{n % 10 + 1}"])
    lead = _member(tenant_a, Role.VENDOR_LEAD)
    visitor = PersonClient(HTTP_HOST=TENANT_HOSTS["alpha"])
    warm_routes(lead)
    warm_routes(visitor)

    # The session and its account, their membership, the event, the den's settings, the
    # applications with their table types and scores (one query), the hall's figures, the
    # front's branding and pages: 9.
    with django_assert_num_queries(9):
        listing = lead.get(f"/{den.event.slug}/dealers/review/")
    # The event, the den's settings, the hall's tables with their dealers, the paid dealers
    # and their photos, the front's branding and pages: 7.
    with django_assert_num_queries(7):
        public = visitor.get(f"/{den.event.slug}/dealers/")

    assert listing.content.decode().count("data-application=") == dealers
    assert len(re.findall("data-dealer=", public.content.decode())) == (dealers + 1) // 2
