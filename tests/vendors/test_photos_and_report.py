"""Photos of work (checked, re-encoded, per convention) and the vendor lead's report and CSV."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django_tenants.utils import tenant_context
from PIL import Image

from tenant.roles import Role
from tests.clients import PersonClient
from tests.conftest import TENANT_HOSTS
from tests.factories.front import image_upload, png_header_only
from tests.factories.tenant import PASSWORD, MembershipFactory, UserFactory
from tests.vendors.conftest import apply
from vendors import selectors
from vendors.models import Application, Photo
from vendors.services import application_decide, invoice_pay, review_submit


def _client(user, tenant: str = "alpha") -> Client:
    client = PersonClient(HTTP_HOST=TENANT_HOSTS[tenant])
    client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    return client


@pytest.fixture
def media():
    yield
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "alpha" / "vendors", ignore_errors=True)


def test_a_photo_is_re_encoded_and_shown_to_the_jury_and_only_on_this_conventions_host(
    den, tenant_a, media
):
    owner = UserFactory()
    application = apply(den, account=owner)
    dealer = _client(owner)
    exif = Image.Exif()
    exif[0x010F] = "Secret Camera Co"  # Make

    added = dealer.post(
        "/dealers/mine/photos/",
        {"image": image_upload("work.jpg", (2400, 1600), image_format="JPEG", exif=exif.tobytes())},
    )
    photo = Photo.objects.get()
    stored = Path(settings.MEDIA_ROOT) / "alpha" / photo.image.name
    reopened = Image.open(stored)
    juror = MembershipFactory(tenant=tenant_a, roles=[Role.VENDOR_REVIEWER]).user
    review_page = _client(juror).get(f"/dealers/review/{application.pk}/").content.decode()
    on_a = PersonClient(HTTP_HOST=TENANT_HOSTS["alpha"]).get(photo.image.url)
    on_b = PersonClient(HTTP_HOST=TENANT_HOSTS["beta"]).get(photo.image.url)

    assert added.status_code == 302
    assert (reopened.format, reopened.size, (photo.width, photo.height)) == (
        "WEBP",
        (1200, 800),
        (1200, 800),
    )
    assert b"Secret Camera" not in stored.read_bytes()
    assert photo.image.url in review_page
    assert on_a.status_code == 200 and on_b.status_code == 404


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: image_upload("tiny.png", (100, 100)), "it needs at least 400 × 400"),
        (
            lambda: image_upload("notes.txt", (500, 500)),
            "File extension “txt” is not allowed",
        ),
        (lambda: png_header_only(9000, 9000), "too many pixels"),
        (
            lambda: __import__(
                "django.core.files.uploadedfile"
            ).core.files.uploadedfile.SimpleUploadedFile(
                "fake.png", b"<svg onload=alert(1)>", content_type="image/png"
            ),
            "not a PNG, JPEG or WebP image",
        ),
    ],
)
def test_bad_photos_are_400_with_the_reason_and_store_nothing(den, upload, message, media):
    owner = UserFactory()
    apply(den, account=owner)

    response = _client(owner).post("/dealers/mine/photos/", {"image": upload()})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Photo.objects.exists()


def test_four_photos_at_most_and_none_once_reviewed(den, media):
    owner = UserFactory()
    application = apply(den, account=owner)
    dealer = _client(owner)

    sent = [
        dealer.post("/dealers/mine/photos/", {"image": image_upload(f"w{n}.png", (400, 400))})
        for n in range(5)
    ]
    application_decide(application_id=application.pk, decision="waitlisted")
    late = dealer.post("/dealers/mine/photos/", {"image": image_upload("late.png", (400, 400))})
    removal = dealer.post("/dealers/mine/photos/", {"remove": Photo.objects.first().pk})

    assert [r.status_code for r in sent] == [302, 302, 302, 302, 400]
    assert "At most 4 photos" in sent[-1].content.decode()
    assert late.status_code == 400 and removal.status_code == 400
    assert Photo.objects.count() == 4


def test_the_report_counts_tables_revenue_categories_and_jury_agreement(den, tenant_a):
    jurors = [UserFactory() for _ in range(2)]
    for n, (business, categories, scores) in enumerate(
        [("A", "prints, Art", (5, 3)), ("B", "plush", (4, 4)), ("C", "=cmd|' /C calc'!A0", (1,))]
    ):
        application = apply(den, business=business, tables=1 + n % 2)
        Application.objects.filter(pk=application.pk).update(categories=categories)
        for juror, score in zip(jurors, scores, strict=False):
            review_submit(application=application, reviewer=juror, score=score)
        if n < 2:
            approved = application_decide(application_id=application.pk, decision="approved")
            invoice_pay(reference=approved.reference, amount=approved.total)
    lead = _client(MembershipFactory(tenant=tenant_a, roles=[Role.VENDOR_LEAD]).user)

    report = selectors.den_report(event=den.event)
    page = lead.get("/dealers/report/")
    rows = list(
        csv.reader(io.StringIO(lead.get("/dealers/report/applications.csv").content.decode()))
    )

    half = next(t for t in report.table_types if t.name == "Half table")
    assert (half.sold, str(half.revenue)) == (3, "180.00")  # 1 + 2 half tables at 60
    assert dict(report.categories) == {"prints": 1, "art": 1, "plush": 1, "=cmd|' /c calc'!a0": 1}
    assert dict(report.statuses)["Paid"] == 2 and dict(report.statuses)["Pending review"] == 1
    # A: scores 5 and 3 (spread 1, gap 2); B: 4 and 4 (0, 0); C has one score.
    assert (report.agreement.scored, str(report.agreement.mean_spread)) == (2, "0.5")
    assert str(report.agreement.mean_gap) == "1.0" and report.agreement.reviewers == 2
    assert page.status_code == 200 and "$180.00" in page.content.decode()
    assert rows[0][:3] == ["reference", "business", "status"] and len(rows) == 4
    assert rows[3][7].startswith("'=")  # a formula is written as text


def test_the_report_is_the_vendor_leads_and_shows_nothing_of_another_convention(
    den, tenant_a, tenant_b
):
    apply(den, business="Alpha Secret Dealer")
    juror = _client(MembershipFactory(tenant=tenant_a, roles=[Role.VENDOR_REVIEWER]).user)
    beta_lead = _client(MembershipFactory(tenant=tenant_b, roles=[Role.VENDOR_LEAD]).user, "beta")

    assert juror.get("/dealers/report/").status_code == 403
    assert juror.get("/dealers/report/applications.csv").status_code == 403
    on_beta = beta_lead.get("/dealers/report/applications.csv")
    assert on_beta.status_code == 404 or b"Alpha Secret Dealer" not in on_beta.content
    with tenant_context(tenant_b):
        assert not Application.objects.exists()
