"""A convention's branding (pictures, links, preview tags) never shows on another's hosts."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django_tenants.utils import tenant_context

from front.models import SiteBranding
from tenant.roles import Role
from tests.factories.front import SiteBrandingFactory, image_upload
from tests.factories.tenant import PASSWORD, MembershipFactory

PICTURES = ("logo", "banner", "social_image", "favicon", "touch_icon")


@pytest.fixture
def alpha_pictures(tenant_a, client_a):
    """Alpha's pictures, uploaded through its admin; removed afterwards."""
    admin = MembershipFactory(tenant=tenant_a, roles=[Role.ORG_ADMIN]).user
    client_a.post("/accounts/login/", {"username": admin.email, "password": PASSWORD})
    response = client_a.post(
        "/admin/front/sitebranding/add/",
        {
            "brand_colour": "#7f1d1d",
            "brand_text_colour": "#ffffff",
            "logo": image_upload("logo.png", (320, 160)),
            "banner": image_upload("banner.png", (1600, 600)),
            "banner_alt": "Alpha's secret banner",
            "favicon": image_upload("icon.png", (180, 180)),
            "contact_email": "secret@alpha.example",
            "mastodon_url": "https://mastodon.example/@alpha-secret",
        },
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        branding = SiteBranding.objects.get()
    yield branding
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "alpha" / "branding", ignore_errors=True)


def test_pictures_of_one_convention_are_served_only_on_its_own_hosts(
    alpha_pictures, client_a, client_b
):
    urls = [getattr(alpha_pictures, name).url for name in PICTURES]

    on_a = [client_a.get(url) for url in urls]
    on_b = [client_b.get(url) for url in urls]

    assert [r.status_code for r in on_a] == [200] * 5
    assert [r["Content-Type"] for r in on_a] == [
        "image/png",
        "image/webp",
        "image/jpeg",
        "image/png",
        "image/png",
    ]
    assert [r.status_code for r in on_b] == [404] * 5
    for name in PICTURES:
        stored = Path(settings.MEDIA_ROOT) / "alpha" / getattr(alpha_pictures, name).name
        assert stored.is_file()


def test_another_conventions_pages_show_nothing_of_its_branding(alpha_pictures, tenant_b, client_b):
    with tenant_context(tenant_b):
        SiteBrandingFactory(brand_colour="#0f5132")

    pages = [client_b.get(path).content.decode() for path in ("/", "/no-such-page/")]

    for html in pages:
        for name in PICTURES:
            assert Path(getattr(alpha_pictures, name).name).name not in html
        assert "secret" not in html and "alpha" not in html.lower()
        assert "#7f1d1d" not in html
        assert '<meta property="og:site_name" content="Beta">' in html


def test_another_conventions_admin_does_not_list_its_branding(alpha_pictures, tenant_b, client_b):
    admin = MembershipFactory(tenant=tenant_b, roles=[Role.ORG_ADMIN]).user
    client_b.post("/accounts/login/", {"username": admin.email, "password": PASSWORD})

    listing = client_b.get("/admin/front/sitebranding/")
    change = client_b.get(f"/admin/front/sitebranding/{alpha_pictures.pk}/change/")

    assert listing.status_code == 200
    assert "0 site branding" in listing.content.decode()
    assert change.status_code == 302  # Django's admin: "doesn't exist", back to the list
