"""What every page of a convention's site carries from its branding (social preview tags,
icons, footer) and the home page's strip of days."""

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from django_tenants.utils import tenant_context

from event.models import EventDay
from front.services import branding_save
from midsummer.formats import in_zone
from tenant.models import Domain
from tenant.roles import Role
from tests.factories.event import EventFactory
from tests.factories.front import PageFactory, SiteBrandingFactory, image_upload
from tests.factories.tenant import PASSWORD, MembershipFactory


@pytest.fixture
def canonical(settings):
    """Links built without a request: https, no port (as in production)."""
    settings.SITE_LINK_PORT = 0
    settings.DEBUG = False
    return "https://alpha.localhost"


@pytest.fixture
def branded(tenant_a):
    """Alpha's full branding: pictures, contact and social links (files removed afterwards)."""
    with tenant_context(tenant_a):
        branding = branding_save(
            branding=SiteBrandingFactory.build(
                description="Four days of fandom by the river.",
                logo=image_upload("logo.png", (300, 150)),
                banner=image_upload("banner.png", (2000, 750)),
                banner_alt="The crowd at the Alpha Con opening",
                favicon=image_upload("icon.png", (256, 256)),
                contact_email="hello@alpha.example",
                mastodon_url="https://mastodon.example/@alpha",
                bluesky_url="https://bsky.app/profile/alpha.example",
                discord_url="https://discord.gg/alpha",
            )
        )
    yield branding
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "alpha" / "branding", ignore_errors=True)


def head_of(html: str) -> str:
    return html.split("</head>", 1)[0]


def test_home_has_social_preview_tags_on_the_canonical_host(tenant_a, client_a, canonical, branded):
    with tenant_context(tenant_a):
        EventFactory(name="Alpha Con 2031", is_active=True)
    social = branded.social_image.url

    head = head_of(client_a.get("/").content.decode())

    tags = re.findall(r'<meta (?:property|name)="(?:og|twitter):[^>]*>', head)
    assert tags == [
        '<meta property="og:type" content="website">',
        '<meta property="og:site_name" content="Alpha">',
        '<meta property="og:title" content="Alpha Con 2031">',
        f'<meta property="og:url" content="{canonical}/">',
        '<meta property="og:description" content="Four days of fandom by the river.">',
        f'<meta property="og:image" content="{canonical}{social}">',
        '<meta property="og:image:type" content="image/jpeg">',
        '<meta property="og:image:width" content="1200">',
        '<meta property="og:image:height" content="630">',
        '<meta property="og:image:alt" content="The crowd at the Alpha Con opening">',
        '<meta name="twitter:card" content="summary_large_image">',
    ]
    assert f'<link rel="canonical" href="{canonical}/">' in head
    assert '<meta name="description" content="Four days of fandom by the river.">' in head


def test_social_preview_links_use_the_canonical_host_not_the_one_asked(
    tenant_a, client_a, canonical
):
    with tenant_context(tenant_a):
        PageFactory(title="Hotel", slug="hotel")
    Domain.objects.create(tenant=tenant_a, domain="alpha-alias.localhost", is_primary=False)

    head = head_of(client_a.get("/info/hotel/", HTTP_HOST="alpha-alias.localhost").content.decode())

    assert f'<meta property="og:url" content="{canonical}/info/hotel/">' in head
    assert f'<link rel="canonical" href="{canonical}/info/hotel/">' in head
    assert '<meta property="og:title" content="Hotel">' in head
    assert "alpha-alias" not in head


def test_without_a_banner_the_preview_is_a_summary_without_image(client_a, tenant_a, canonical):
    with tenant_context(tenant_a):
        SiteBrandingFactory(description="")

    head = head_of(client_a.get("/").content.decode())

    assert '<meta name="twitter:card" content="summary">' in head
    assert "og:image" not in head and 'name="description"' not in head


def test_icons_are_the_conventions_favicon_and_touch_icon(client_a, branded):
    head = head_of(client_a.get("/").content.decode())

    assert f'<link rel="icon" href="{branded.favicon.url}" type="image/png" sizes="32x32">' in head
    assert f'<link rel="apple-touch-icon" href="{branded.touch_icon.url}">' in head
    assert '<meta name="theme-color" content="#5b21b6">' in head


def test_without_a_favicon_pages_use_midsummers(client_a, client_public):
    platform, convention = client_public.get("/"), client_a.get("/")

    for response in (platform, convention):
        assert (
            '<link rel="icon" href="/static/midsummer/favicon.svg" type="image/svg+xml">'
            in response.content.decode()
        )
        assert b"apple-touch-icon" not in response.content


def test_logo_in_the_header_has_its_size(client_a, branded):
    html = client_a.get("/").content.decode()

    assert (
        f'<a class="brand" href="/"><img src="{branded.logo.url}" alt="" width="300" height="150">'
        in html
    )


def test_banner_on_the_home_page_has_its_description(client_a, tenant_a, branded):
    with tenant_context(tenant_a):
        EventFactory(is_active=True)

    html = client_a.get("/").content.decode()

    assert (
        f'<img class="banner" src="{branded.banner.url}" alt="The crowd at the Alpha Con '
        'opening" width="1600" height="600" fetchpriority="high">'
    ) in html


def test_footer_has_contact_and_social_links_with_rel_me_for_profiles(client_a, branded):
    footer = client_a.get("/").content.decode().split('<footer class="footer">', 1)[1]

    assert '<a href="mailto:hello@alpha.example">hello@alpha.example</a>' in footer
    assert re.findall(r'<li><a href="[^"]+" rel="[^"]+">[^<]+</a></li>', footer) == [
        '<li><a href="https://mastodon.example/@alpha" rel="me noopener">Mastodon</a></li>',
        '<li><a href="https://bsky.app/profile/alpha.example" rel="me noopener">Bluesky</a></li>',
        '<li><a href="https://discord.gg/alpha" rel="noopener">Discord</a></li>',
    ]
    assert 'id="language"' in footer  # the language switcher stays


def test_footer_without_links_says_nothing_about_following(client_a, tenant_a):
    with tenant_context(tenant_a):
        SiteBrandingFactory()

    html = client_a.get("/").content.decode()

    assert "Follow us" not in html and "mailto:" not in html
    assert "Alpha runs on Midsummer." in html


def test_footer_is_in_german_for_german_readers(client_a, branded):
    html = client_a.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "Kontakt:" in html and "Folgen Sie uns" in html


def test_days_strip_shows_each_day_with_weekday_date_and_month(client_a, tenant_a):
    with tenant_context(tenant_a):
        event = EventFactory(
            is_active=True, start_date=dt.date(2031, 7, 3), end_date=dt.date(2031, 7, 6)
        )
        EventDay.objects.bulk_create(
            EventDay(event=event, date=dt.date(2031, 7, 3 + n), number=n + 1) for n in range(4)
        )

    html = client_a.get("/").content.decode()

    days = re.findall(r'<li class="day">(.*?)</li>', html, re.S)
    assert [re.sub(r"<[^>]+>|\s+", " ", day).split() for day in days] == [
        ["Day", "1", "Thu", "3", "Jul"],
        ["Day", "2", "Fri", "4", "Jul"],
        ["Day", "3", "Sat", "5", "Jul"],
        ["Day", "4", "Sun", "6", "Jul"],
    ]
    assert '<time class="day__date" datetime="2031-07-03">' in html


def test_days_strip_marks_today_at_the_event(client_a, tenant_a):
    # Kiritimati is 14 hours ahead of UTC: its today is often the server's tomorrow.
    today = in_zone(timezone.now(), "Pacific/Kiritimati").date()
    with tenant_context(tenant_a):
        event = EventFactory(
            is_active=True,
            timezone="Pacific/Kiritimati",
            start_date=today - dt.timedelta(days=1),
            end_date=today + dt.timedelta(days=1),
        )
        EventDay.objects.bulk_create(
            EventDay(event=event, date=today + dt.timedelta(days=n - 1), number=n)
            for n in (1, 2, 3)
        )

    html = client_a.get("/").content.decode()

    current = re.findall(
        r'<li class="day" aria-current="date">\s*<span class="day__label">(\w+)', html
    )
    assert current == ["Today"]
    assert html.count('<li class="day"') == 3


def test_admin_header_wears_the_conventions_colours_and_logo_without_inline_style(
    tenant_a, client_a, branded
):
    admin = MembershipFactory(tenant=tenant_a, roles=[Role.ORG_ADMIN]).user
    client_a.post("/accounts/login/", {"username": admin.email, "password": PASSWORD})

    response = client_a.get("/admin/")

    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert response.status_code == 200
    assert f'<style nonce="{nonce}">:root {{ --header-bg: #5b21b6;' in html
    assert html.count("<style") == html.count(f'<style nonce="{nonce}"') == 1
    assert 'style="' not in html
    assert f'<img class="site-logo" src="{branded.logo.url}"' in html
    assert '<div class="app-front module">' in html
