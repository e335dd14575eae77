"""Markdown written by organizers, turned into HTML that cannot run script."""

from __future__ import annotations

import markdown
import nh3

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}


def markdown_to_safe_html(text: str) -> str:
    """Markdown → HTML, then sanitised: only the tags above, links only to http(s)/mailto/tel
    or relative URLs, every link ``rel="noopener noreferrer"``. Raw HTML in the Markdown goes
    through the same sanitiser, so ``<script>``, ``onerror=`` and ``javascript:`` are dropped."""
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )
