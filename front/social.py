"""The social networks a convention can link to from its footer, in one table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class SocialNetwork:
    field: str  # the SiteBranding field holding the address
    label: StrOrPromise
    hosts: tuple[str, ...] = ()  # the addresses it must be on (and their subdomains); () any
    # The convention's own profile: linked with rel="me", which Mastodon (and IndieWeb tools)
    # read to verify that the profile and this site belong together. An invitation to a chat
    # server is not a profile.
    is_profile: bool = True
    allows_http: bool = False  # a website may still be plain http; social networks are not


SOCIAL_NETWORKS = (
    SocialNetwork("website_url", _("Website"), allows_http=True),
    SocialNetwork("mastodon_url", "Mastodon"),  # any server
    SocialNetwork("bluesky_url", "Bluesky", ("bsky.app",)),
    SocialNetwork("instagram_url", "Instagram", ("instagram.com",)),
    SocialNetwork("telegram_url", "Telegram", ("t.me", "telegram.me")),
    SocialNetwork("discord_url", "Discord", ("discord.gg", "discord.com"), is_profile=False),
)


@dataclass(frozen=True)
class SocialLink:
    network: SocialNetwork
    url: str

    @property
    def label(self) -> StrOrPromise:
        return self.network.label

    @property
    def rel(self) -> str:
        return "me noopener" if self.network.is_profile else "noopener"


def social_link_error(network: SocialNetwork, url: str) -> StrOrPromise | None:
    """Why ``url`` is not an address of ``network`` (None when it is, or when it is empty).
    The URL field has already refused what is not a web address at all."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme != "https" and not network.allows_http:
        return _("Enter the address starting with https://.")
    host = (parts.hostname or "").removeprefix("www.")
    if network.hosts and not any(host == h or host.endswith("." + h) for h in network.hosts):
        return _("Enter a %(network)s address (on %(hosts)s).") % {
            "network": network.label,
            "hosts": ", ".join(network.hosts),
        }
    return None
