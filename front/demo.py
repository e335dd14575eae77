"""The demo conventions' look and content pages (``seed_demo``), keyed by schema."""

from __future__ import annotations

from dataclasses import dataclass

from front.models import Page, SiteBranding
from front.services import branding_save
from midsummer.contract import DemoConvention


@dataclass(frozen=True)
class DemoSite:
    """What makes a demo convention look like a real one."""

    colours: tuple[str, str]  # brand colour, text on it
    description: str
    pages: list[tuple[str, str, int, str]]  # title, slug, position, Markdown


DEMO_SITES = {
    "furrydelphia": DemoSite(
        colours=("#5b21b6", "#ffffff"),
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
    """Branding and content pages, added to demo conventions that lack them."""
    site = DEMO_SITES.get(demo.key)
    if site is None:
        return
    if not SiteBranding.objects.exists():
        colour, text_colour = site.colours
        branding_save(
            branding=SiteBranding(
                brand_colour=colour, brand_text_colour=text_colour, description=site.description
            )
        )
    for title, slug, order, body in site.pages:
        Page.objects.get_or_create(
            slug=slug, defaults={"title": title, "nav_order": order, "body": body}
        )
