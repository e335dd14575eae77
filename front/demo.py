"""The demo conventions' look and content pages (``seed_demo``), keyed by schema."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.files.base import ContentFile

from front import demo_images
from front.models import Page, SiteBranding
from front.services import branding_save
from midsummer.contract import DemoConvention


@dataclass(frozen=True)
class DemoSite:
    """What makes a demo convention look like a real one."""

    colours: tuple[str, str]  # brand colour, text on it
    description: str
    pages: list[tuple[str, str, int, str]]  # title, slug, position, Markdown
    motif: str  # front.demo_images.MOTIFS
    tagline: str  # under the name on the banner
    banner_alt: str
    # contact_email and the social networks' fields (front/social.py)
    links: dict[str, str] = field(default_factory=dict)


DEMO_SITES = {
    "furrydelphia": DemoSite(
        colours=("#5b21b6", "#ffffff"),
        motif="paw",
        tagline="Philadelphia's furry convention",
        banner_alt="Furrydelphia: a trail of paw prints across a purple banner",
        links={
            "contact_email": "hello@furrydelphia.example",
            "website_url": "https://furrydelphia.example",
            "mastodon_url": "https://mastodon.example/@furrydelphia",
            "bluesky_url": "https://bsky.app/profile/furrydelphia.example",
            "instagram_url": "https://www.instagram.com/furrydelphia_demo",
            "telegram_url": "https://t.me/furrydelphia_demo",
        },
        description=(
            "Philadelphia's furry convention: four days of panels, a packed dealers' den, "
            "the fursuit parade down Market Street and dances every night."
        ),
        pages=[
            (
                "Code of conduct",
                "code-of-conduct",
                1,
                (
                    "## Be excellent to each other\n\n"
                    "Furrydelphia is for everyone. Harassment of any kind is not tolerated.\n\n"
                    "- Ask before you hug or touch a fursuiter.\n"
                    "- Badges are worn and visible at all times.\n"
                    "- Report problems to any staffer in a **purple lanyard**, or call "
                    "[the safety line](tel:+12155550199).\n"
                ),
            ),
            (
                "Hotel",
                "hotel",
                2,
                (
                    "## Philadelphia Marriott Downtown\n\n"
                    "Our room block opens with registration. Book through the link in your "
                    "confirmation mail to get the convention rate.\n\n"
                    "| Room | Rate per night |\n| --- | --- |\n| King | $189 |\n"
                    "| Double Queen | $199 |\n"
                ),
            ),
            (
                "FAQ",
                "faq",
                3,
                (
                    "### Can I buy a badge at the door?\n\nYes, at the door price.\n\n"
                    "### Are minors welcome?\n\nYes, with a guardian's consent; children under "
                    "6 are free.\n"
                ),
            ),
        ],
    ),
    "uproar": DemoSite(
        colours=("#0f5132", "#ffffff"),
        motif="burst",
        tagline="Louisville's winter fan weekend",
        banner_alt="Uproar: sound waves from a star burst on a green banner",
        links={
            "contact_email": "crew@uproar.example",
            "website_url": "https://uproar.example",
            "bluesky_url": "https://bsky.app/profile/uproar.example",
            "instagram_url": "https://www.instagram.com/uproar_demo",
            "discord_url": "https://discord.gg/uproar-demo",
        },
        description=(
            "Uproar brings Louisville's fandoms together for a winter weekend of music, "
            "art, gaming and good company."
        ),
        pages=[
            (
                "Code of conduct",
                "code-of-conduct",
                1,
                (
                    "## Our code of conduct\n\nBe kind, respect boundaries and follow staff "
                    "instructions. Weapons props must be peace-bonded at the badge desk.\n"
                ),
            ),
            (
                "Hotel",
                "hotel",
                2,
                (
                    "## Hyatt Regency Louisville\n\nThe convention is in the hotel; the skywalk "
                    "connects it to the Kentucky International Convention Center.\n"
                ),
            ),
        ],
    ),
}


def seed(demo: DemoConvention) -> None:
    """Branding (colours, pictures, contact and social links) and content pages, added to demo
    conventions that lack them; what is already there is kept, so seeding again changes
    nothing."""
    site = DEMO_SITES.get(demo.key)
    if site is None:
        return
    branding = SiteBranding.objects.order_by("pk").first()
    changed = branding is None
    if branding is None:
        colour, text_colour = site.colours
        branding = SiteBranding(
            brand_colour=colour, brand_text_colour=text_colour, description=site.description
        )
    colour = branding.brand_colour
    if not branding.logo:
        branding.logo = ContentFile(
            demo_images.logo_png(colour=colour, motif=site.motif), name="logo.png"
        )
        changed = True
    if not branding.banner:
        branding.banner = ContentFile(
            demo_images.banner_png(
                colour=colour, motif=site.motif, name=demo.name, tagline=site.tagline
            ),
            name="banner.png",
        )
        branding.banner_alt = branding.banner_alt or site.banner_alt
        changed = True
    if not branding.favicon:
        branding.favicon = ContentFile(
            demo_images.favicon_png(colour=colour, motif=site.motif), name="favicon.png"
        )
        changed = True
    for name, value in site.links.items():
        if not getattr(branding, name):
            setattr(branding, name, value)
            changed = True
    if changed:
        branding_save(branding=branding)
    for title, slug, order, body in site.pages:
        Page.objects.get_or_create(
            slug=slug, defaults={"title": title, "nav_order": order, "body": body}
        )
