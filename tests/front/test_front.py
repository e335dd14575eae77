import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from front.colours import contrast_ratio
from front.models import SiteBranding
from front.rendering import markdown_to_safe_html
from tenant.roles import Role
from tests.factories.event import EventFactory
from tests.factories.front import PageFactory, SiteBrandingFactory
from tests.factories.register import BadgeLevelFactory
from tests.factories.tenant import PASSWORD, MembershipFactory, UserFactory


@pytest.fixture
def alpha_event(tenant_a):
    with tenant_context(tenant_a):
        return EventFactory(
            name="Alpha Con 2031",
            is_active=True,
            start_date=dt.date(2031, 7, 3),
            end_date=dt.date(2031, 7, 6),
            timezone="America/New_York",
            venue_name="Harbour Hall",
            venue_address="1 Pier Road\nPhiladelphia, PA",
        )


def test_home_shows_event_venue_and_register_button(alpha_event, tenant_a, client_a):
    with tenant_context(tenant_a):
        BadgeLevelFactory(event=alpha_event, price=Decimal("55.00"), capacity=10)

    response = client_a.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Alpha Con 2031" in html
    assert "July 3, 2031" in html and "July 6, 2031" in html
    assert "America/New_York" in html
    assert "Harbour Hall" in html and "1 Pier Road<br>Philadelphia, PA" in html
    # At the event's own address, where the bare one would redirect.
    assert f'class="cta" href="/{alpha_event.slug}/register/"' in html
    assert "Badges from $55.00" in html


def test_home_says_sold_out_when_every_badge_is_taken(alpha_event, tenant_a, client_a):
    with tenant_context(tenant_a):
        BadgeLevelFactory(event=alpha_event, capacity=0)

    html = client_a.get("/").content.decode()

    assert "Sold out" in html
    assert 'class="cta"' not in html


def test_home_says_when_registration_opens_in_the_events_time_zone(alpha_event, tenant_a, client_a):
    opens = dt.datetime(2031, 3, 1, 17, 0, tzinfo=dt.UTC)  # noon in New York
    with tenant_context(tenant_a):
        BadgeLevelFactory(event=alpha_event, sale_starts_at=opens)

    html = client_a.get("/").content.decode()

    assert "Registration opens Mar 1, 2031, 12:00\u202fPM EST." in html
    assert 'class="cta"' not in html


def test_home_without_levels_is_not_yet_open(alpha_event, client_a):
    html = client_a.get("/").content.decode()

    assert "Registration is not open yet." in html


def test_home_of_tenant_b_shows_nothing_of_tenant_a(alpha_event, tenant_a, tenant_b, client_b):
    with tenant_context(tenant_a):
        SiteBrandingFactory(brand_colour="#7f1d1d", description="Alpha's secret pitch")
        PageFactory(title="Alpha hotel", slug="hotel")

    response = client_b.get("/")
    page = client_b.get("/info/hotel/")

    assert b"Alpha Con 2031" not in response.content
    assert b"Alpha's secret pitch" not in response.content and b"#7f1d1d" not in response.content
    assert b"Alpha hotel" not in response.content
    assert page.status_code == 404


def test_branding_colours_logo_and_pages_are_applied(alpha_event, tenant_a, client_a):
    with tenant_context(tenant_a):
        SiteBrandingFactory(
            brand_colour="#7f1d1d", brand_text_colour="#ffffff", logo="branding/l.png"
        )
        PageFactory(title="Code of conduct", slug="code-of-conduct", nav_order=1)
        PageFactory(title="Draft", slug="draft", is_published=False)

    html = client_a.get("/").content.decode()

    assert "--brand: #7f1d1d; --on-brand: #ffffff;" in html
    assert '<img src="/media/branding/l.png"' in html
    assert '<a href="/info/code-of-conduct/">Code of conduct</a>' in html
    assert "Draft" not in html
    assert client_a.get("/info/draft/").status_code == 404


def test_markdown_page_cannot_inject_script(tenant_a, client_a):
    body = (
        "# Hotel\n\nBook **early**. [Map](https://maps.example.org)\n\n"
        "<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n"
        '[click](javascript:alert(2)) <a href="#" onclick="steal()">here</a>\n\n'
        '<iframe src="https://evil.example"></iframe><style>body{display:none}</style>'
    )
    with tenant_context(tenant_a):
        PageFactory(title="Hotel", slug="hotel", body=body)

    response = client_a.get("/info/hotel/")

    html = response.content.decode().lower()
    assert response.status_code == 200
    assert "<strong>early</strong>" in html
    assert '<a href="https://maps.example.org" rel="noopener noreferrer">map</a>' in html
    for forbidden in (
        "<script>alert",
        "onerror",
        "javascript:",
        "onclick",
        "<iframe",
        "<style>body",
    ):
        assert forbidden not in html


def test_sanitiser_drops_script_tags_and_keeps_text():
    assert markdown_to_safe_html("<script>alert(1)</script>ok").strip() == "<p>ok</p>"


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [("#000000", "#ffffff", 21.0), ("#ffffff", "#ffffff", 1.0), ("#767676", "#ffffff", 4.54)],
)
def test_contrast_ratio_matches_wcag(first, second, expected):
    assert round(contrast_ratio(first, second), 2) == expected


def test_branding_with_low_contrast_is_refused(tenant_a):
    with tenant_context(tenant_a):
        branding = SiteBranding(brand_colour="#ffcc00", brand_text_colour="#ffffff")
        with pytest.raises(ValidationError) as raised:
            branding.full_clean()
        SiteBranding(brand_colour="#1e3a5f", brand_text_colour="#ffffff").full_clean()

    assert "brand_text_colour" in raised.value.message_dict
    assert "at least 4.5:1" in raised.value.message_dict["brand_text_colour"][0]


def test_org_admin_edits_branding_in_admin_and_contrast_is_enforced(tenant_a, client_a):
    admin = MembershipFactory(tenant=tenant_a, roles=[Role.ORG_ADMIN]).user
    client_a.post("/accounts/login/", {"username": admin.email, "password": PASSWORD})
    form = {"brand_colour": "#ffff00", "brand_text_colour": "#ffffff", "description": "Hi"}

    refused = client_a.post("/admin/front/sitebranding/add/", form)
    accepted = client_a.post(
        "/admin/front/sitebranding/add/", form | {"brand_text_colour": "#000000"}
    )

    assert refused.status_code == 200
    assert "at least 4.5:1" in refused.content.decode()
    assert accepted.status_code == 302
    with tenant_context(tenant_a):
        assert SiteBranding.objects.get().brand_text_colour == "#000000"


def test_bad_colour_is_a_form_error_not_a_500(tenant_a):
    with tenant_context(tenant_a):
        with pytest.raises(ValidationError) as raised:
            SiteBranding(brand_colour="red", brand_text_colour="#ffffff").full_clean()

    assert "brand_colour" in raised.value.message_dict


def test_not_found_page_wears_the_tenant_branding(tenant_a, client_a):
    with tenant_context(tenant_a):
        SiteBrandingFactory(brand_colour="#7f1d1d")

    response = client_a.get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "We could not find that page" in html
    assert "--brand: #7f1d1d" in html and "Back to Alpha" in html


def test_server_error_page_is_friendly(tenant_a, client_a, rf):
    from midsummer.errors import server_error

    request = rf.get("/", HTTP_HOST="alpha.localhost")
    request.tenant = tenant_a

    response = server_error(request)

    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content


def test_german_is_chosen_by_accept_language(alpha_event, tenant_a, client_a):
    with tenant_context(tenant_a):
        BadgeLevelFactory(event=alpha_event, price=Decimal("1055.00"))

    html = client_a.get("/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()

    assert '<html lang="de">' in html
    assert "Jetzt anmelden" in html
    assert "3. Juli 2031" in html
    assert "1.055,00\u00a0$" in html


def test_language_switcher_sets_german(alpha_event, client_a):
    client_a.post("/i18n/setlang/", {"language": "de", "next": "/"})

    html = client_a.get("/").content.decode()

    assert "Anmeldung ist noch nicht" in html


def test_logo_upload_is_stored_per_tenant_and_served_only_there(
    tenant_a, client_a, client_b, settings
):
    import shutil
    from pathlib import Path

    from tests.factories.front import image_upload

    admin = MembershipFactory(tenant=tenant_a, roles=[Role.ORG_ADMIN]).user
    client_a.post("/accounts/login/", {"username": admin.email, "password": PASSWORD})
    logo = image_upload("logo.png", (320, 160))
    try:
        response = client_a.post(
            "/admin/front/sitebranding/add/",
            {"brand_colour": "#1e3a5f", "brand_text_colour": "#ffffff", "logo": logo},
        )
        with tenant_context(tenant_a):
            stored = SiteBranding.objects.get().logo
            url, path = stored.url, Path(stored.path)

        on_a, on_b = client_a.get(url), client_b.get(url)

        assert response.status_code == 302
        assert (Path(settings.MEDIA_ROOT) / "alpha" / stored.name).exists()
        assert on_a.status_code == 200
        assert b"".join(on_a.streaming_content) == path.read_bytes()
        assert on_b.status_code == 404
        assert f'<img src="{url}"'.encode() in client_a.get("/").content
    finally:
        shutil.rmtree(Path(settings.MEDIA_ROOT) / "alpha" / "branding", ignore_errors=True)


def test_logo_must_be_an_image_file(tenant_a, client_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = MembershipFactory(tenant=tenant_a, roles=[Role.ORG_ADMIN]).user
    client_a.post("/accounts/login/", {"username": admin.email, "password": PASSWORD})
    svg = SimpleUploadedFile("logo.svg", b"<svg onload=alert(1)></svg>", content_type="image/svg")

    response = client_a.post(
        "/admin/front/sitebranding/add/",
        {"brand_colour": "#1e3a5f", "brand_text_colour": "#ffffff", "logo": svg},
    )

    assert response.status_code == 200
    assert "File extension “svg” is not allowed" in response.content.decode()


def test_forbidden_page_is_friendly_and_branded(tenant_a, client_a):
    with tenant_context(tenant_a):
        SiteBrandingFactory(brand_colour="#7f1d1d")
    lead = MembershipFactory(tenant=tenant_a, roles=[Role.REGISTRATION_LEAD]).user
    client_a.post("/accounts/login/", {"username": lead.email, "password": PASSWORD})

    response = client_a.get("/admin/diagnostics/")

    assert response.status_code == 403
    assert "You are not allowed to see this page" in response.content.decode()
    assert "--brand: #7f1d1d" in response.content.decode()


def test_public_host_not_found_page_is_in_platform_style(client_public):
    response = client_public.get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "We could not find that page" in html and "Back to Midsummer" in html
    assert "--brand:" not in html


def test_home_cards_come_from_the_apps_and_respect_log_in(alpha_event, client_a):
    from midsummer.contract import home_cards

    anonymous = client_a.get("/").content.decode()
    client_a.force_login(UserFactory())
    logged_in = client_a.get("/").content.decode()

    mine = f'class="card"><a href="/{alpha_event.slug}/register/mine/"'
    assert ("/register/mine/", "My registrations") not in home_cards(request=None)
    assert mine not in anonymous
    assert mine in logged_in
