"""Badge printing: PDFs for each stock, the print queue, reprints with a reason, whole orders."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from front.services import branding_save
from kiosk.models import PrintJob
from kiosk.printing import badges_pdf
from kiosk.services import (
    badge_faces,
    badges_pdf_of,
    print_job_finish,
    print_job_request,
    print_job_take,
    print_jobs_for_order,
)
from tests.factories.front import SiteBrandingFactory, image_upload
from tests.kiosk.conftest import make_event, paid_badges


@pytest.mark.parametrize(
    ("size", "badges", "pages"), [("cr80", 3, 3), ("a6", 2, 2), ("a4x4", 5, 2)]
)
def test_a_pdf_has_a_page_per_badge_or_per_four_on_a4(door, size, badges, pages):
    event, level = door
    faces = badge_faces(
        registrations=paid_badges(event, level, count=badges), convention="Door Con"
    )

    pdf = badges_pdf(faces, size=size)

    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type /Page\b(?!s)", pdf)) == pages


def test_a_reprint_needs_a_reason_and_names_the_previous_print(door):
    event, level = door
    (badge,) = paid_badges(event, level)
    first = print_job_request(registration=badge, requested_by_id=None)
    with pytest.raises(ValidationError, match="already waiting"):
        print_job_request(registration=badge, requested_by_id=None)
    taken = print_job_take(station="S1")
    print_job_finish(job_id=first.pk, printed=True)

    with pytest.raises(ValidationError, match="already printed at .*a reprint needs a reason"):
        print_job_request(registration=badge, requested_by_id=None)
    again = print_job_request(registration=badge, requested_by_id=None, reason="Lost it")

    assert taken == first
    assert (again.status, again.reason) == ("queued", "Lost it")


def test_every_badge_of_an_order_is_queued_once(door):
    event, level = door
    badges = paid_badges(event, level, count=3)

    jobs = print_jobs_for_order(order=badges[0].order, requested_by_id=None)
    again = print_jobs_for_order(order=badges[0].order, requested_by_id=None)

    assert sorted(j.registration_id for j in jobs) == sorted(b.pk for b in badges)
    assert again == []


def test_the_print_station_takes_prints_and_fails_jobs_through_its_page(door, operator_client):
    event, level = door
    one, two = paid_badges(event, level, count=2)
    desk = operator_client()
    desk.post("/kiosk/print/order/", {"order": one.order.reference})

    desk.post("/kiosk/print/take/", {"station": "Station 1"})
    job = PrintJob.objects.get(status="taken")
    pdf = desk.get(f"/kiosk/print/{job.pk}/badge.pdf", {"size": "a6"})
    printed = desk.post("/kiosk/print/finish/", {"job": job.pk, "printed": "1"})
    desk.post("/kiosk/print/take/", {"station": "Station 1"})
    other = PrintJob.objects.get(status="taken")
    desk.post("/kiosk/print/finish/", {"job": other.pk, "printed": "0", "failure": "Jam"})
    finished_twice = desk.post("/kiosk/print/finish/", {"job": job.pk, "printed": "1"})
    reprint = desk.post("/kiosk/print/request/", {"registration": job.registration_id})

    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert printed.status_code == 302
    assert sorted(PrintJob.objects.values_list("status", "failure")) == [
        ("failed", "Jam"),
        ("printed", ""),
    ]
    assert finished_twice.status_code == 400
    assert reprint.status_code == 400 and "a reprint needs a reason" in reprint.text


def test_print_jobs_and_pdfs_of_alpha_are_not_reachable_from_beta(door, operator_client, tenant_b):
    event, level = door
    (badge,) = paid_badges(event, level)
    job = print_job_request(registration=badge, requested_by_id=None)
    print_job_take(station="S")
    with tenant_context(tenant_b):
        beta_event, beta_level = make_event()
        (beta_badge,) = paid_badges(beta_event, beta_level, legal_name="Beta Person")
    desk = operator_client()

    missing = desk.get(f"/kiosk/print/{job.pk + 1000}/badge.pdf")
    beta_badge_here = desk.post("/kiosk/print/request/", {"registration": beta_badge.pk})

    assert missing.status_code == 404
    assert (
        beta_badge_here.status_code == 400
        or PrintJob.objects.filter(registration_id=beta_badge.pk).count() == 0
    )
    with tenant_context(tenant_b):
        assert PrintJob.objects.count() == 0


def test_the_print_queue_page_costs_the_same_queries_for_one_or_many_jobs(
    door, operator_client, django_assert_max_num_queries, warm_routes
):
    event, level = door
    desk = operator_client()
    warm_routes(desk)
    first, *others = paid_badges(event, level, count=4)
    print_job_request(registration=first, requested_by_id=None)
    print_job_take(station="S")

    with django_assert_max_num_queries(30) as one:
        page = desk.get("/kiosk/print/")
    for badge in others:
        print_job_request(registration=badge, requested_by_id=None)
    with django_assert_max_num_queries(30) as many:
        more = desk.get("/kiosk/print/")

    assert page.text.count("data-job=") == 1 and more.text.count("data-job=") == 4
    assert len(many.captured_queries) == len(one.captured_queries)


def _with_logo(size: tuple[int, int]) -> None:
    branding_save(branding=SiteBrandingFactory.build(logo=image_upload("logo.png", size)))


def test_badges_carry_their_own_conventions_logo_and_no_other(door, operator_client, tenant_b):
    """Alpha's logo is stored 480 × 160, beta's 160 × 160; a convention without one prints
    none. The logo comes from the convention being served, through the app contract."""
    event, level = door
    (badge,) = paid_badges(event, level)
    without = badges_pdf_of(registrations=[badge], size="cr80")
    _with_logo((600, 200))
    job = print_job_request(registration=badge, requested_by_id=None)
    with tenant_context(tenant_b):
        _with_logo((200, 200))
        beta_event, beta_level = make_event()
        (beta_badge,) = paid_badges(beta_event, beta_level)
        beta_pdf = badges_pdf_of(registrations=[beta_badge], size="cr80")

    alpha_pdf = operator_client().get(f"/kiosk/print/{job.pk}/badge.pdf").content

    assert b"/Subtype /Image" not in without
    assert b"/Width 480" in alpha_pdf and b"/Width 160" not in alpha_pdf
    assert b"/Width 160" in beta_pdf and b"/Width 480" not in beta_pdf
