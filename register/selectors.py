from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import unicodedata
import zoneinfo
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Case, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncDate
from django.utils.translation import gettext

from event.models import Event
from register.models import (
    BadgeLevel,
    BanEntry,
    DiscountCode,
    Order,
    Registration,
    RegistrationSettings,
    Transfer,
    Upgrade,
    WaitlistEntry,
)


def active_order_q(*, now: dt.datetime, prefix: str = "") -> Q:
    """Orders that hold places: paid (held for review too), or pending with a hold that has not
    run out (or no expiry at all: pay at the door)."""
    status, hold = f"{prefix}status", f"{prefix}hold_expires_at"
    return Q(**{f"{status}__in": [Order.Status.PAID, Order.Status.HELD]}) | (
        Q(**{status: Order.Status.PENDING})
        & (Q(**{f"{hold}__isnull": True}) | Q(**{f"{hold}__gt": now}))
    )


def level_price_on(*, level: BadgeLevel, day: dt.date) -> Decimal:
    """The price tier in force on ``day`` (the latest that has started), else the level price.
    Uses prefetched ``price_tiers`` when there are any."""
    tiers = [tier for tier in level.price_tiers.all() if tier.starts_on <= day]
    return max(tiers, key=lambda tier: tier.starts_on).price if tiers else level.price


def badge_name_edit_deadline(*, event, today: dt.date) -> dt.date | None:
    """The last day attendees may still rename their badges, or None when they no longer can."""
    deadline = (
        RegistrationSettings.objects.filter(event=event)
        .values_list("badge_name_edit_until", flat=True)
        .first()
    )
    return deadline if deadline is not None and today <= deadline else None


def self_cancel_deadline(*, event, today: dt.date) -> dt.date | None:
    """The last day attendees may still cancel their own orders, or None when they cannot."""
    deadline = (
        RegistrationSettings.objects.filter(event=event)
        .values_list("self_cancel_until", flat=True)
        .first()
    )
    return deadline if deadline is not None and today <= deadline else None


def self_cancel_refusal(*, order: Order, account_id: int, today: dt.date) -> str | None:
    """Why ``account_id`` cannot cancel ``order`` themselves on ``today`` (the event's day), or
    None when they can. The order page offers *Cancel this order* only when this is None, and
    ``order_cancel_by_attendee`` refuses with this message."""
    if order.account_id != account_id:
        return gettext("This is not your order.")
    if self_cancel_deadline(event=order.event, today=today) is None:
        return gettext("This order can no longer be cancelled here; please ask the team.")
    if order.registrations.filter(holder__isnull=False).exclude(holder_id=account_id).exists():
        return gettext("A badge of this order now belongs to someone else; ask the team.")
    if Upgrade.objects.filter(order=order, applied_at__isnull=False).exists():
        return gettext("A paid upgrade cannot be cancelled here; please ask the team.")
    if order.status not in (Order.Status.PENDING, Order.Status.PAID, Order.Status.HELD):
        return gettext("This order is %(status)s.") % {"status": order.get_status_display().lower()}
    return None


def normalized_name(name: str) -> str:
    """A name for matching: accents dropped, case folded, words sorted ("José  García" and
    "garcia jose" agree)."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(sorted(re.findall(r"\w+", plain)))


def normalized_email(email: str) -> str:
    decomposed = unicodedata.normalize("NFKD", email.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def ban_matches(*, legal_name: str, email: str, birthdate: dt.date | None) -> list[BanEntry]:
    """Ban-list entries this person matches: the same email, or the same name (accents, case
    and word order ignored) with the same birthdate, or the same name where the entry has no
    birthdate. A match is a reason for review, not a verdict."""
    name_key, email_key = normalized_name(legal_name), normalized_email(email)
    found = []
    for entry in BanEntry.objects.all():
        same_email = bool(entry.email) and normalized_email(entry.email) == email_key
        same_name = bool(name_key) and normalized_name(entry.name) == name_key
        same_birthdate = entry.birthdate is None or entry.birthdate == birthdate
        if same_email or (same_name and same_birthdate):
            found.append(entry)
    return found


def held_by_q(*, account_id: int) -> Q:
    """Badges this account holds: accepted transfers, and what it bought and did not hand on."""
    return Q(holder_id=account_id) | Q(holder__isnull=True, order__account_id=account_id)


def about_person_q(*, account_id: int, proven_email: str) -> Q:
    """Badges that are this person's data: those they hold, and — only once they proved they
    read that mailbox — badges someone else bought for their address."""
    email_key = proven_email.strip().lower()
    mine = held_by_q(account_id=account_id)
    return mine | Q(email__iexact=email_key) if email_key else mine


def registrations_of_account(*, account_id: int) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(held_by_q(account_id=account_id))
        .exclude(order__status__in=[Order.Status.EXPIRED, Order.Status.CANCELLED])
        .select_related("order", "level")
        .order_by("order__created_at", "pk")
    )


def registration_by_checkin_token(*, token: str) -> Registration | None:
    return (
        Registration.objects.filter(
            checkin_token=token, order__status=Order.Status.PAID, needs_holder=False
        )
        .select_related("level", "order")
        .first()
    )


@dataclass(frozen=True)
class LevelOffer:
    level: BadgeLevel
    price: Decimal
    places_left: int | None  # None: no limit

    @property
    def is_sold_out(self) -> bool:
        return self.places_left == 0


def discount_code_valid_now(*, event, code: str, now: dt.datetime) -> DiscountCode | None:
    """The event's code spelled ``code`` (any case), if it may be used now."""
    if not code.strip():
        return None
    return (
        DiscountCode.objects.filter(event=event, code__iexact=code.strip())
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=now))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .first()
    )


_PLACES_TAKEN_SQL = """
    SELECT r.level_id, count(*) FROM {registration} r JOIN {order} o ON o.id = r.order_id
     WHERE r.level_id = ANY(%(levels)s) AND {holding}
     GROUP BY r.level_id
    UNION ALL
    SELECT u.to_level_id, count(*) FROM {upgrade} u JOIN {order} o ON o.id = u.order_id
     WHERE u.to_level_id = ANY(%(levels)s) AND u.applied_at IS NULL AND {holding}
     GROUP BY u.to_level_id
    UNION ALL
    SELECT w.level_id, count(*) FROM {waitlist} w
     WHERE w.level_id = ANY(%(levels)s) AND w.status = %(offered)s AND w.offer_expires_at > %(now)s
       AND w.id IS DISTINCT FROM %(except_offer)s
     GROUP BY w.level_id
"""
# active_order_q in SQL: the order holds places (tests/register/test_places.py compares them).
_HOLDING_SQL = (
    "(o.status IN (%(paid)s, %(held)s) OR (o.status = %(pending)s"
    " AND (o.hold_expires_at IS NULL OR o.hold_expires_at > %(now)s)))"
)


def places_taken(
    *, level_ids: Iterable[int], now: dt.datetime, except_offer_id: int | None = None
) -> Counter:
    """Places of these levels held now: registrations in orders that hold places, upgrades into
    them not yet applied (in orders that hold places), and waiting-list offers not yet used or
    expired — but ``except_offer_id``'s, which is being redeemed.

    One statement of plain SQL rather than three ORM queries: it runs under the levels' row
    locks on every purchase and on every page that shows what is left, and building the ORM
    queries cost several times what PostgreSQL spends answering them.
    """
    levels = sorted(set(level_ids))
    if not levels:
        return Counter()
    sql = _PLACES_TAKEN_SQL.format(
        registration=Registration._meta.db_table,
        order=Order._meta.db_table,
        upgrade=Upgrade._meta.db_table,
        waitlist=WaitlistEntry._meta.db_table,
        holding=_HOLDING_SQL,
    )
    params: dict[str, Any] = {
        "levels": levels,
        "now": now,
        "except_offer": except_offer_id,
        "offered": WaitlistEntry.Status.OFFERED,
        "paid": Order.Status.PAID,
        "held": Order.Status.HELD,
        "pending": Order.Status.PENDING,
    }
    taken: Counter = Counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for level_id, count in cursor.fetchall():
            taken[level_id] += count
    return taken


def level_offers(
    *, event, now: dt.datetime, day: dt.date, code: DiscountCode | None = None
) -> list[LevelOffer]:
    """Levels on sale now — public ones, and hidden ones ``code`` unlocks — with today's price
    and the places left."""
    unlocked = list(code.unlocks.values_list("pk", flat=True)) if code else []
    levels = list(
        BadgeLevel.objects.filter(event=event)
        .filter(Q(is_hidden=False) | Q(pk__in=unlocked))
        .filter(Q(sale_starts_at__isnull=True) | Q(sale_starts_at__lte=now))
        .filter(Q(sale_ends_at__isnull=True) | Q(sale_ends_at__gt=now))
        .prefetch_related("price_tiers")
    )
    taken = places_taken(
        level_ids=[level.pk for level in levels if level.capacity is not None], now=now
    )
    return [
        LevelOffer(
            level=level,
            price=level_price_on(level=level, day=day),
            places_left=None
            if level.capacity is None
            else max(level.capacity - taken[level.pk], 0),
        )
        for level in levels
    ]


def order_of_account(*, reference: str, account_id: int) -> Order | None:
    return (
        Order.objects.filter(reference=reference, account_id=account_id)
        .prefetch_related("registrations__level")
        .first()
    )


def order_for_submission(*, account_id: int, submission: str) -> Order | None:
    """The order this account placed with the form whose one-time token is ``submission``
    (None for a form not sent before). One indexed lookup: the token is unique per account."""
    if not submission:
        return None
    return Order.objects.filter(account_id=account_id, submission=submission).first()


def registration_of_account(*, registration_id: int, account_id: int) -> Registration | None:
    return (
        registrations_of_account(account_id=account_id)
        .filter(pk=registration_id, order__status=Order.Status.PAID)
        .first()
    )


REGISTRATION_EXPORT_COLUMNS = [
    "order",
    "status",
    "level",
    "badge_number",
    "legal_name",
    "badge_name",
    "birthdate",
    "email",
    "phone",
    "price",
    "discount",
    "paid_at",
]


def registration_export_rows(*, orders: QuerySet[Order]):
    """One row per registration of these orders, in REGISTRATION_EXPORT_COLUMNS order."""
    registrations = (
        Registration.objects.filter(order__in=orders)
        .select_related("order", "level")
        .order_by("order__created_at", "pk")
    )
    for r in registrations.iterator():
        yield [
            r.order.reference,
            r.order.status,
            r.level.name,
            r.badge_number or "",
            r.legal_name,
            r.badge_name,
            r.birthdate.isoformat(),
            r.email,
            r.phone,
            r.price,
            r.discount,
            r.order.paid_at.isoformat() if r.order.paid_at else "",
        ]


@dataclass(frozen=True)
class TimelinePoint:
    day: dt.date
    level: str
    registrations: int
    revenue: Decimal


def registration_timeline(*, event) -> list[TimelinePoint]:
    """Paid registrations and their revenue per day (in the event's time zone) and level."""
    rows = (
        Registration.objects.filter(event=event, order__status=Order.Status.PAID)
        .annotate(day=TruncDate("order__paid_at", tzinfo=zoneinfo.ZoneInfo(event.timezone)))
        .values("day", "level__name")
        .annotate(n=Count("pk"), revenue=Sum(F("price") - F("discount")))
        .order_by("day", "level__name")
    )
    return [
        TimelinePoint(
            day=r["day"], level=r["level__name"], registrations=r["n"], revenue=r["revenue"]
        )
        for r in rows
    ]


def attendee_account_ids() -> set[int]:
    """Accounts that placed an order here or hold a badge handed to them."""
    buyers = Order.objects.values_list("account_id", flat=True).distinct()
    holders = Registration.objects.filter(holder__isnull=False).values_list("holder_id", flat=True)
    return set(buyers) | set(holders)


def account_has_paid_registration(*, account_id: int) -> bool:
    return Order.objects.filter(account_id=account_id, status=Order.Status.PAID).exists()


def transfer_deadline(*, event, today: dt.date) -> dt.date | None:
    """The last day badges may be transferred (``dt.date.max``: no limit), or None when they
    may not be."""
    found = RegistrationSettings.objects.filter(event=event).first()
    if found is None or not found.transfers_allowed:
        return None
    if found.transfer_until is None:
        return dt.date.max
    return found.transfer_until if today <= found.transfer_until else None


def secret_hash(secret: str) -> str:
    """What is stored for a link's secret: its SHA-256 (the secret itself never is)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def transfer_by_token(*, token: str, now: dt.datetime) -> Transfer | None:
    """The open, unexpired transfer this link's secret belongs to, else None."""
    digest = secret_hash(token)
    found = (
        Transfer.objects.filter(
            token_hash=digest,
            accepted_at__isnull=True,
            withdrawn_at__isnull=True,
            expires_at__gt=now,
            registration__order__status=Order.Status.PAID,
        )
        .select_related("registration__level", "registration__event")
        .first()
    )
    if found is None or not hmac.compare_digest(found.token_hash, digest):
        return None
    return found


@dataclass(frozen=True)
class UpgradeOffer:
    level: BadgeLevel
    difference: Decimal
    places_left: int | None


def upgrade_offers(*, registration: Registration, offers: list[LevelOffer]) -> list[UpgradeOffer]:
    """Of today's ``offers`` (see level_offers), the levels that cost more than was paid for
    this badge, with the difference to pay."""
    paid = registration.price - registration.discount
    return [
        UpgradeOffer(level=o.level, difference=o.price - paid, places_left=o.places_left)
        for o in offers
        if o.level.pk != registration.level_id and o.price > paid
    ]


def waitlist_offer_by_token(*, token: str, now: dt.datetime) -> WaitlistEntry | None:
    """The open, unexpired waiting-list offer this link's secret belongs to, else None."""
    digest = secret_hash(token)
    found = (
        WaitlistEntry.objects.filter(
            offer_token_hash=digest, status=WaitlistEntry.Status.OFFERED, offer_expires_at__gt=now
        )
        .select_related("level__event")
        .first()
    )
    if found is None or not hmac.compare_digest(found.offer_token_hash, digest):
        return None
    return found


def waitlist_of_account(*, account_id: int) -> QuerySet[WaitlistEntry]:
    return (
        WaitlistEntry.objects.filter(account_id=account_id)
        .select_related("level")
        .order_by("-created_at")
    )


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def personal_data(*, account_id: int, proven_email: str) -> dict:
    """Everything this convention holds about one person, as JSON-ready data: orders they
    placed, badges they hold or that carry their proven email (with add-ons and answers),
    transfers offered to that email and their waiting-list places. This tenant's schema only.
    An address the person has not proven (``User.proven_email``) matches nothing."""
    email_key = proven_email.strip().lower()
    orders = Order.objects.filter(account_id=account_id).order_by("created_at")
    transfers_to_you = (
        Transfer.objects.filter(email__iexact=email_key).select_related("registration__level")
        if email_key
        else Transfer.objects.none()
    )
    registrations = (
        Registration.objects.filter(about_person_q(account_id=account_id, proven_email=email_key))
        .select_related("level", "order")
        .prefetch_related("add_ons__add_on", "answers__question")
        .order_by("pk")
    )
    return {
        "orders": [
            {
                "reference": o.reference,
                "status": o.status,
                "provider": o.provider,
                "currency": o.currency,
                "total": str(o.total),
                "refunded_total": str(o.refunded_total),
                "created_at": _iso(o.created_at),
                "paid_at": _iso(o.paid_at),
            }
            for o in orders
        ],
        "registrations": [
            {
                "order": r.order.reference,
                "level": r.level.name,
                "badge_number": r.badge_number,
                "legal_name": r.legal_name,
                "badge_name": r.badge_name,
                "birthdate": _iso(r.birthdate),
                "email": r.email,
                "phone": r.phone,
                "emergency_contact": r.emergency_contact,
                "guardian_name": r.guardian_name,
                "guardian_contact": r.guardian_contact,
                "price": str(r.price),
                "discount": str(r.discount),
                "add_ons": [{"name": a.add_on.name, "option": a.option} for a in r.add_ons.all()],
                "answers": [
                    {"question": a.question.label, "answer": a.value} for a in r.answers.all()
                ],
            }
            for r in registrations
        ],
        "transfers_to_you": [
            {
                "level": t.registration.level.name,
                "created_at": _iso(t.created_at),
                "accepted_at": _iso(t.accepted_at),
            }
            for t in transfers_to_you
        ],
        "waiting_lists": [
            {"level": w.level.name, "status": w.status, "joined_at": _iso(w.created_at)}
            for w in WaitlistEntry.objects.filter(account_id=account_id).select_related("level")
        ],
    }


@dataclass(frozen=True)
class TotalsRow:
    level: str
    status: str
    age_band: str
    registrations: int
    value: Decimal  # price less discount of these badges


def report_totals(*, event, minor_cutoff: dt.date) -> list[TotalsRow]:
    """Badges of the event by level, order status and age band (minor: born after the cut-off),
    with their value (price less discount) — summed in the database from the rows."""
    band = Case(When(birthdate__gt=minor_cutoff, then=Value("minor")), default=Value("adult"))
    rows = (
        Registration.objects.filter(event=event)
        .annotate(band=band)
        .values("level__name", "order__status", "band")
        .annotate(n=Count("pk"), value=Sum(F("price") - F("discount")))
        .order_by("level__name", "order__status", "band")
    )
    return [
        TotalsRow(r["level__name"], r["order__status"], r["band"], r["n"], r["value"]) for r in rows
    ]


@dataclass(frozen=True)
class CodeUsageRow:
    code: str
    paid_orders: int
    discounted_badges: int
    discount_total: Decimal


def report_discount_usage(*, event) -> list[CodeUsageRow]:
    """Each code of the event: paid orders using it, badges it discounted and the amount."""
    paid = Q(orders__status=Order.Status.PAID)
    discounted = paid & Q(orders__registrations__discount__gt=0)
    rows = (
        DiscountCode.objects.filter(event=event)
        .annotate(
            n_orders=Count("orders", filter=paid, distinct=True),
            n_badges=Count("orders__registrations", filter=discounted),
            discounted_sum=Sum("orders__registrations__discount", filter=discounted),
        )
        .order_by("code")
    )
    return [
        CodeUsageRow(c.code, c.n_orders, c.n_badges, c.discounted_sum or Decimal("0")) for c in rows
    ]


@dataclass(frozen=True)
class WaitlistRow:
    level: str
    waiting: int
    offered: int


def report_waitlist(*, event) -> list[WaitlistRow]:
    """How many people wait for each level, and how many hold an offer now."""
    rows = (
        BadgeLevel.objects.filter(event=event)
        .annotate(
            n_waiting=Count("waitlist", filter=Q(waitlist__status=WaitlistEntry.Status.WAITING)),
            n_offered=Count("waitlist", filter=Q(waitlist__status=WaitlistEntry.Status.OFFERED)),
        )
        .order_by("sort_order", "name")
    )
    return [WaitlistRow(level.name, level.n_waiting, level.n_offered) for level in rows]


def previous_event(*, event) -> Event | None:
    """The tenant's event before this one (by start date), to compare against."""
    return Event.objects.filter(start_date__lt=event.start_date).order_by("-start_date").first()


@dataclass(frozen=True)
class ComparedPoint:
    event: str
    days_before_opening: int
    level: str
    registrations: int
    revenue: Decimal


def registration_timeline_compared(*, event) -> list[ComparedPoint]:
    """This event's timeline and the previous event's, each day counted in days before its
    own opening (negative: before), so both fit one axis."""
    points: list[ComparedPoint] = []
    for shown in [e for e in (event, previous_event(event=event)) if e is not None]:
        points.extend(
            ComparedPoint(
                shown.name, (p.day - shown.start_date).days, p.level, p.registrations, p.revenue
            )
            for p in registration_timeline(event=shown)
        )
    return points
