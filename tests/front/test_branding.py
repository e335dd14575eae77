"""The convention's branding: uploads checked, resized and re-encoded by the service (and the
admin through it), old files removed, contact and social links checked."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from PIL import ExifTags, Image

from front.models import SiteBranding
from front.services import branding_save
from tenant.roles import Role
from tests.factories.front import SiteBrandingFactory, image_upload, png_header_only
from tests.factories.tenant import PASSWORD, MembershipFactory


@pytest.fixture
def stored(tenant_a):
    """Alpha's branding folder, empty before and after the test."""
    folder = Path(settings.MEDIA_ROOT) / "alpha" / "branding"
    shutil.rmtree(folder, ignore_errors=True)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def org_admin_a(tenant_a, client_a):
    admin = MembershipFactory(tenant=tenant_a, roles=[Role.ORG_ADMIN]).user
    client_a.post("/accounts/login/", {"username": admin.email, "password": PASSWORD})
    return client_a


def files_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def save_with(**fields) -> SiteBranding:
    return branding_save(branding=SiteBrandingFactory.build(**fields))


def test_logo_is_stored_as_png_at_most_160_px_high(tenant_a, stored):
    with tenant_context(tenant_a):
        branding = save_with(logo=image_upload("logo.jpg", (800, 400), image_format="JPEG"))

        with Image.open(branding.logo.path) as logo:
            found = (logo.format, logo.size)

    assert found == ("PNG", (320, 160))
    assert (branding.logo_width, branding.logo_height) == (320, 160)
    assert branding.logo.name.startswith("branding/logo-") and branding.logo.name.endswith(".png")


def test_small_logo_is_not_scaled_up(tenant_a, stored):
    with tenant_context(tenant_a):
        branding = save_with(logo=image_upload("logo.png", (96, 48)))

    assert (branding.logo_width, branding.logo_height) == (96, 48)


def test_banner_is_stored_as_webp_within_1600_by_600_with_a_1200_by_630_social_jpeg(
    tenant_a, stored
):
    with tenant_context(tenant_a):
        branding = save_with(
            banner=image_upload("banner.png", (3200, 1200)), banner_alt="Our hall at night"
        )

        with (
            Image.open(branding.banner.path) as banner,
            Image.open(branding.social_image.path) as social,
        ):
            found = [(banner.format, banner.size), (social.format, social.size)]

    assert found == [("WEBP", (1600, 600)), ("JPEG", (1200, 630))]
    assert (branding.banner_width, branding.banner_height) == (1600, 600)


def test_favicon_makes_square_pngs_of_32_and_180_px_padded_with_transparency(tenant_a, stored):
    with tenant_context(tenant_a):
        branding = save_with(favicon=image_upload("icon.png", (300, 240)))

        with (
            Image.open(branding.favicon.path) as small,
            Image.open(branding.touch_icon.path) as touch,
        ):
            found = [(small.format, small.size), (touch.format, touch.size)]
            corner = touch.convert("RGBA").getpixel((90, 0))

    assert found == [("PNG", (32, 32)), ("PNG", (180, 180))]
    assert corner[3] == 0  # padded above and below, not cut


def test_photo_metadata_is_dropped_and_its_orientation_applied(tenant_a, stored):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Orientation] = 6  # taken with the phone on its side
    upload = image_upload("logo.jpg", (400, 200), image_format="JPEG", exif=exif.tobytes())

    with tenant_context(tenant_a):
        branding = save_with(logo=upload)

        with Image.open(branding.logo.path) as logo:
            found = (logo.size, dict(logo.getexif()), "exif" in logo.info)

    assert found == ((80, 160), {}, False)


@pytest.mark.parametrize(
    ("field", "upload", "message"),
    [
        (
            "logo",
            SimpleUploadedFile("logo.png", b"GIF89a not really", content_type="image/png"),
            "This file is not a PNG, JPEG or WebP image (or it is damaged).",
        ),
        (
            "logo",
            image_upload("logo.gif", (64, 64), image_format="GIF"),
            "File extension “gif” is not allowed. Allowed extensions are: png, jpg, jpeg, webp.",
        ),
        (
            "banner",
            image_upload("banner.png", (2000, 600), image_format="GIF"),
            "This file is not a PNG, JPEG or WebP image (or it is damaged).",
        ),
        (
            "logo",
            SimpleUploadedFile("logo.png", b"\0" * (6 * 1024 * 1024)),
            "The file is 6.0\xa0MB; at most 5.0\xa0MB is accepted.",
        ),
        (
            "banner",
            png_header_only(30000, 30000),
            "The image has too many pixels: at most 8000 pixels a side and 40 megapixels are "
            "accepted.",
        ),
        (
            "banner",
            png_header_only(7000, 7000),
            "The image has too many pixels: at most 8000 pixels a side and 40 megapixels are "
            "accepted.",
        ),
        (
            "banner",
            png_header_only(8001, 1400),
            "The image has too many pixels: at most 8000 pixels a side and 40 megapixels are "
            "accepted.",
        ),
        (
            "banner",
            png_header_only(1600, 600),
            "This file is not a PNG, JPEG or WebP image (or it is damaged).",
        ),
        (
            "banner",
            image_upload("banner.png", (600, 900)),
            "The image is 600 × 900 pixels; it needs at least 800 × 200.",
        ),
        (
            "banner",
            image_upload("banner.png", (900, 1200)),
            "The image is 900 × 1200 pixels; a banner is wider than high.",
        ),
        (
            "logo",
            image_upload("logo.png", (1200, 40)),
            "The image is 1200 × 40 pixels; one side may be at most 6 times the other.",
        ),
        (
            "favicon",
            image_upload("icon.png", (64, 64)),
            "The image is 64 × 64 pixels; it needs at least 180 × 180.",
        ),
        (
            "favicon",
            image_upload("icon.png", (400, 200)),
            "The image is 400 × 200 pixels; one side may be at most 1.5 times the other.",
        ),
    ],
    ids=[
        "not-an-image",
        "gif",
        "gif-named-png",
        "6-mb",
        "bomb",
        "over-40-megapixels",
        "over-8000-a-side",
        "no-pixels",
        "banner-too-small",
        "banner-portrait",
        "logo-too-long",
        "favicon-too-small",
        "favicon-not-square",
    ],
)
def test_bad_upload_is_refused_with_a_clear_message_and_nothing_is_written(
    tenant_a, stored, field, upload, message
):
    fields = {field: upload} | ({"banner_alt": "A banner"} if field == "banner" else {})

    with tenant_context(tenant_a):
        with pytest.raises(ValidationError) as refused:
            save_with(**fields)
        rows = SiteBranding.objects.count()

    assert refused.value.message_dict == {field: [message]}
    assert rows == 0
    assert files_in(stored) == []


def test_replaced_and_cleared_pictures_are_deleted_once_committed(
    tenant_a, stored, django_capture_on_commit_callbacks
):
    with tenant_context(tenant_a):
        branding = save_with(
            logo=image_upload("a.png", (200, 100), colour=(200, 0, 0)),
            banner=image_upload("banner.png", (1000, 400)),
            banner_alt="Our hall",
        )
        first = files_in(stored)
        branding.logo = image_upload("b.png", (200, 100), colour=(0, 0, 200))
        branding.banner = ""
        with django_capture_on_commit_callbacks(execute=True):
            branding_save(branding=branding)
        branding.refresh_from_db()

    assert len(first) == 3  # logo, banner, social image
    assert files_in(stored) == [Path(branding.logo.name).name]
    assert (branding.banner.name, branding.social_image.name) == ("", "")
    assert (branding.banner_width, branding.banner_height) == (0, 0)


def test_files_written_are_removed_when_the_row_cannot_be_saved(tenant_a, stored, monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(SiteBranding, "save", refuse)

    with tenant_context(tenant_a):
        with pytest.raises(RuntimeError):
            save_with(favicon=image_upload("icon.png", (200, 200)))

    assert files_in(stored) == []


def test_a_banner_needs_a_description(tenant_a, stored):
    with tenant_context(tenant_a):
        with pytest.raises(ValidationError) as refused:
            save_with(banner=image_upload("banner.png", (1000, 400)), banner_alt=" ")

    assert refused.value.message_dict == {
        "banner_alt": ["Describe the banner in a few words, for people who cannot see it."]
    }
    assert files_in(stored) == []


def test_social_links_must_be_addresses_on_their_network(tenant_a):
    with tenant_context(tenant_a):
        with pytest.raises(ValidationError) as refused:
            save_with(
                bluesky_url="https://bsky.example/profile/alpha",
                instagram_url="http://instagram.com/alpha",
                discord_url="https://discord.gg.example.org/x",
                contact_email="not an address",
            )

    assert refused.value.message_dict == {
        "bluesky_url": ["Enter a Bluesky address (on bsky.app)."],
        "instagram_url": ["Enter the address starting with https://."],
        "discord_url": ["Enter a Discord address (on discord.gg, discord.com)."],
        "contact_email": ["Enter a valid email address."],
    }


def test_social_links_on_their_network_are_accepted(tenant_a):
    links = {
        "website_url": "http://alpha.example",
        "mastodon_url": "https://any.server.example/@alpha",
        "bluesky_url": "https://bsky.app/profile/alpha.example",
        "instagram_url": "https://www.instagram.com/alpha",
        "telegram_url": "https://t.me/alpha",
        "discord_url": "https://discord.com/invite/alpha",
    }

    with tenant_context(tenant_a):
        branding = save_with(contact_email="hi@alpha.example", **links)

    assert [(link.label, link.url, link.rel) for link in branding.social_links] == [
        ("Website", "http://alpha.example", "me noopener"),
        ("Mastodon", "https://any.server.example/@alpha", "me noopener"),
        ("Bluesky", "https://bsky.app/profile/alpha.example", "me noopener"),
        ("Instagram", "https://www.instagram.com/alpha", "me noopener"),
        ("Telegram", "https://t.me/alpha", "me noopener"),
        ("Discord", "https://discord.com/invite/alpha", "noopener"),
    ]


def test_admin_uploads_pictures_through_the_service(tenant_a, org_admin_a, stored):
    response = org_admin_a.post(
        "/admin/front/sitebranding/add/",
        {
            "brand_colour": "#1e3a5f",
            "brand_text_colour": "#ffffff",
            "logo": image_upload("logo.png", (640, 320)),
            "banner": image_upload("banner.jpg", (2400, 900), image_format="JPEG"),
            "banner_alt": "The main hall",
            "favicon": image_upload("icon.webp", (256, 256), image_format="WEBP"),
            "contact_email": "hi@alpha.example",
            "mastodon_url": "https://mastodon.example/@alpha",
        },
    )

    with tenant_context(tenant_a):
        branding = SiteBranding.objects.get()
    assert response.status_code == 302
    assert (branding.logo_height, branding.banner_width, branding.banner_height) == (160, 1600, 600)
    assert [Path(name).suffix for name in files_in(stored)] == [
        ".webp",  # banner
        ".png",  # favicon 180
        ".png",  # favicon 32
        ".png",  # logo
        ".jpg",  # social
    ]
    assert branding.contact_email == "hi@alpha.example"


def test_admin_shows_a_bad_upload_as_a_form_error_and_saves_nothing(tenant_a, org_admin_a, stored):
    response = org_admin_a.post(
        "/admin/front/sitebranding/add/",
        {
            "brand_colour": "#1e3a5f",
            "brand_text_colour": "#ffffff",
            "logo": image_upload("logo.png", (640, 320)),
            "banner": png_header_only(30000, 30000),
            "banner_alt": "Huge",
        },
    )

    assert response.status_code == 200
    assert "The image has too many pixels" in response.content.decode()
    with tenant_context(tenant_a):
        assert SiteBranding.objects.count() == 0
    assert files_in(stored) == []


def test_admin_address_without_scheme_is_taken_as_https(tenant_a, org_admin_a):
    response = org_admin_a.post(
        "/admin/front/sitebranding/add/",
        {"brand_colour": "#1e3a5f", "brand_text_colour": "#ffffff", "telegram_url": "t.me/alpha"},
    )

    assert response.status_code == 302
    with tenant_context(tenant_a):
        assert SiteBranding.objects.get().telegram_url == "https://t.me/alpha"
