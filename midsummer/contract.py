"""The app contract: what a tenant app tells the platform, and the only way the core reaches it.

A tenant app names its contract on its AppConfig (``contract = "register.platform.Contract"``),
a subclass of :class:`TenantAppContract` that overrides the hooks it needs. The platform core
(``tenant/``, ``midsummer/``) and the shared apps call the hooks of every installed app through
the functions below and import no tenant app (``make test`` checks that with import-linter).
See docs/APPS.md for the checklist of a new app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django_stubs_ext import StrOrPromise

    from tenant.models import Tenant, User


@dataclass(frozen=True)
class NavLink:
    """A link in the convention site's main navigation."""

    url_name: str
    label: StrOrPromise
    order: int = 50
    needs_login: bool = False


@dataclass(frozen=True)
class HomeCard:
    """A card on the convention's home page, under "More about the convention"."""

    url_name: str
    label: StrOrPromise
    order: int = 50
    needs_login: bool = False


@dataclass(frozen=True)
class AdminTile:
    """A figure on the convention admin's index: ``value`` with a link to the details."""

    label: StrOrPromise
    value: str
    url: str = ""
    order: int = 50
    #: A small chart drawn on the server (inline SVG; its style carries the request's nonce).
    chart: str = ""


@dataclass(frozen=True)
class AdminDashboard:
    """The figures on the convention admin's index about one event: its name, its tiles and,
    when the index shows several events, the address of that event's own admin."""

    title: str
    tiles: list[AdminTile]
    url: str = ""


@dataclass(frozen=True)
class AdminEventChoice:
    """An entry of the admin's event selector: its label, where it leads, whether it is the
    one being shown."""

    label: str
    url: str
    current: bool


@dataclass(frozen=True)
class PeriodicWork:
    """A task (by Celery name) run in every active tenant's schema every ``every`` seconds
    (a multiple of the platform tick, 60 s).

    With ``next_due`` the tick visits only the tenants whose work has come due (an index in
    ``public``, ``tenant/due.py``) and every tenant once per ``PERIODIC_SWEEP_MINUTES``.
    ``next_due`` runs in a tenant's schema after each run of the task there and says when it
    next has work (None: nothing pending); writes that create such work say so with
    ``tenant.due.work_due``."""

    task: str
    every: int = 60
    next_due: Callable[[], dt.datetime | None] | None = None


@dataclass(frozen=True)
class DemoConvention:
    """One demo convention as ``seed_demo`` made it; each app seeds its part from it."""

    tenant: Tenant
    key: str  # the schema name: apps keep their demo content keyed by it
    name: str
    host: str
    port: int
    today: dt.date
    admin: User
    people: list[User] = field(default_factory=list)  # demo attendees with accounts


class TenantAppContract:
    """Every hook is optional: the defaults declare nothing."""

    label: str = ""

    # --- Personal data (sandbox, "my data", "delete my data", organizer anonymization) ---
    #: Table → column → SQL expression replacing it in a scrambled sandbox copy. ``{h}`` is a
    #: hash of the row id and column, ``{first}``/``{last}`` fake names derived from it.
    scrambled_columns: Mapping[str, Mapping[str, str]] = {}
    #: Columns that look personal by name but are not (e.g. an organizer's setting).
    not_personal_columns: frozenset[tuple[str, str]] = frozenset()
    #: Tables a sandbox copy starts empty: what would reach the real world from a rehearsal
    #: (an integration's webhook) or only means something to the original (its API keys).
    not_copied_to_sandbox: frozenset[str] = frozenset()

    def personal_data(self, *, account: User) -> Any:
        """This app's part of the person's "my data" export (JSON-ready), or None."""
        return None

    def personal_data_erase(self, *, account: User) -> int:
        """Erase or anonymize what this app holds about the person here; how many records."""
        return 0

    def anonymize_ended_events(self, *, days: int, today: dt.date) -> int:
        """Anonymize personal data of events that ended more than ``days`` days ago."""
        return 0

    # --- Answers to the platform ---
    def account_is_attendee(self, *, account_id: int) -> bool:
        """Whether the account takes part in the convention (e.g. holds a paid badge)."""
        return False

    def attendee_account_ids(self) -> set[int]:
        """Every account that takes part here (to rebuild the directory's "My conventions")."""
        return set()

    def listing_facts(self) -> dict[str, Any]:
        """Public facts for the platform's directory listing (merged over the apps)."""
        return {}

    # --- Demo data ---
    def copy_event(self, *, source: Any, target: Any, shift: Any, copied: Any) -> None:
        """Copy this app's set-up of event ``source`` into the new event ``target`` (next
        year's): what organizers configure, never people, orders or anything that happened.
        Dates move by ``shift``; ``copied`` maps the rows copied so far (event/copying.py's
        ``copy_rows`` keeps it). Called in dependency order, in one transaction."""

    def admin_event_choices(self, *, request: HttpRequest) -> list[AdminEventChoice]:
        """The events the admin's header offers to switch to (the event app's)."""
        return []

    def seed_demo_finish(self, demo: DemoConvention) -> list[str]:
        """Demo content built on every app's (after all ``seed_demo``); returns lines for the
        demo's printout."""
        return []

    def seed_demo(self, demo: DemoConvention) -> None:
        """Add this app's demo data to a demo convention; idempotent."""

    # --- Front and admin ---
    #: URLconf module served on the convention's hosts under ``url_prefix``.
    urls: str = ""
    url_prefix: str = ""
    #: The app's pages belong to one event: a person opening a bare address under
    #: ``url_prefix`` (``/register/``, a link of the single-event era) is sent on to the
    #: default event's (``/<slug>/register/``), so what they see says which event it is.
    event_pages: bool = False
    #: Paths under ``url_prefix`` that machines fetch — webhooks, door devices' API, calendar
    #: feeds, exports: they keep answering in place at the bare address, for the default event.
    machine_paths: tuple[str, ...] = ()
    #: One-to-one relations of the event (the app's per-event settings) its pages ask
    #: ``active_event(with_related=…)`` for: read with the event an address names, in one query.
    served_event_relations: tuple[str, ...] = ()
    nav_links: tuple[NavLink, ...] = ()
    home_cards: tuple[HomeCard, ...] = ()

    def event_pages_linker(self) -> Callable[[str], str] | None:
        """How a page that serves no event links to the apps' event pages (the event app's:
        at the default event's address, where their bare address redirects). None: as
        reversed."""
        return None

    def admin_tiles(self, *, request: HttpRequest) -> list[AdminTile]:
        """Figures for the convention admin's index (only those the user may see)."""
        return []

    def admin_dashboards(
        self, *, request: HttpRequest, tiles: Callable[[], list[AdminTile]]
    ) -> list[AdminDashboard]:
        """The index's figures, one dashboard per event they are about (the event app's);
        ``tiles`` gathers every app's for the event being served. [] leaves them to others."""
        return []

    # --- Periodic work ---
    periodic: tuple[PeriodicWork, ...] = ()

    # --- The convention's look beyond its site ---
    def badge_logo(self) -> bytes | None:
        """The convention's logo (PNG, JPEG or WebP bytes) for printed badges, or None."""
        return None

    # --- Money ---
    def payable_kinds(self) -> Sequence[Any]:
        """What this app sells, one ``payments.kinds.PayableKind`` each: the card page and the
        providers' webhooks reach the app's orders through these alone."""
        return ()


@cache
def _contracts() -> tuple[TenantAppContract, ...]:
    found = []
    tenant_apps = [name for name in settings.TENANT_APPS if name not in settings.SHARED_APPS]
    for app_config in apps.get_app_configs():
        path = getattr(app_config, "contract", None)
        if path is None or app_config.name not in tenant_apps:
            continue
        contract = import_string(path)()
        contract.label = app_config.label
        found.append((tenant_apps.index(app_config.name), contract))
    return tuple(contract for _, contract in sorted(found, key=lambda pair: pair[0]))


def contracts() -> tuple[TenantAppContract, ...]:
    """The contract of every installed tenant app, in ``TENANT_APPS`` order (dependencies
    first: ``event`` before ``register`` before the apps built on them)."""
    return _contracts()


def scrambled_columns() -> dict[str, Mapping[str, str]]:
    return {table: cols for c in contracts() for table, cols in c.scrambled_columns.items()}


def not_copied_to_sandbox() -> set[str]:
    return {table for c in contracts() for table in c.not_copied_to_sandbox}


def not_personal_columns() -> set[tuple[str, str]]:
    return {column for c in contracts() for column in c.not_personal_columns}


def account_is_attendee(*, account_id: int) -> bool:
    return any(c.account_is_attendee(account_id=account_id) for c in contracts())


def attendee_account_ids() -> set[int]:
    return {account_id for c in contracts() for account_id in c.attendee_account_ids()}


def listing_facts() -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for contract in contracts():
        facts.update(contract.listing_facts())
    return facts


def url_includes() -> list[tuple[str, str]]:
    """(prefix, URLconf module) of every app that serves pages."""
    return [(c.url_prefix, c.urls) for c in contracts() if c.urls]


@cache
def bare_event_pages() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(path prefixes of every app's event pages, the machine paths among them), without
    their leading slash: ``path.startswith(pages) and not path.startswith(machines)``."""
    pages = tuple(c.url_prefix for c in contracts() if c.event_pages and c.url_prefix)
    machines = tuple(
        c.url_prefix + path for c in contracts() if c.event_pages for path in c.machine_paths
    )
    return pages, machines


@cache
def served_event_relations() -> tuple[str, ...]:
    return tuple(rel for c in contracts() for rel in c.served_event_relations)


def _resolved(items, request: HttpRequest | None) -> list[tuple[str, str]]:
    logged_in = bool(request is not None and request.user.is_authenticated)
    links = []
    for item in sorted(items, key=lambda item: item.order):
        if item.needs_login and not logged_in:
            continue
        try:
            links.append((reverse(item.url_name), str(item.label)))
        except NoReverseMatch:
            continue
    if not links:
        return links
    linker = _event_pages_linker(request)
    return [(linker(url), label) for url, label in links] if linker else links


def _event_pages_linker(request: HttpRequest | None) -> Callable[[str], str] | None:
    """The event app's linker, worked out once per request (the navigation and the home's
    cards both ask)."""
    if request is not None and hasattr(request, "_event_pages_linker"):
        return request._event_pages_linker  # type: ignore[attr-defined]
    linker = next((f for c in contracts() if (f := c.event_pages_linker()) is not None), None)
    if request is not None:
        request._event_pages_linker = linker  # type: ignore[attr-defined]
    return linker


def nav_links(*, request: HttpRequest | None) -> list[tuple[str, str]]:
    """(url, label) of the apps' navigation links this visitor sees, in order."""
    return _resolved([link for c in contracts() for link in c.nav_links], request)


def home_cards(*, request: HttpRequest | None) -> list[tuple[str, str]]:
    return _resolved([card for c in contracts() for card in c.home_cards], request)


def admin_event_choices(*, request: HttpRequest) -> list[AdminEventChoice]:
    return [choice for c in contracts() for choice in c.admin_event_choices(request=request)]


def admin_tiles(*, request: HttpRequest) -> list[AdminTile]:
    tiles = [tile for c in contracts() for tile in c.admin_tiles(request=request)]
    return sorted(tiles, key=lambda tile: tile.order)


def admin_dashboards(*, request: HttpRequest) -> list[AdminDashboard]:
    """The admin index's figures, by event (``admin_dashboards`` of the event app)."""

    def tiles() -> list[AdminTile]:
        return admin_tiles(request=request)

    for contract in contracts():
        if dashboards := contract.admin_dashboards(request=request, tiles=tiles):
            return dashboards
    found = tiles()
    return [AdminDashboard("", found)] if found else []


def badge_logo() -> bytes | None:
    """The logo printed on this convention's badges (the first app that has one), or None."""
    return next((logo for c in contracts() if (logo := c.badge_logo()) is not None), None)


def periodic_work() -> list[PeriodicWork]:
    return [work for c in contracts() for work in c.periodic]
