"""Waiting lists: joining a sold-out level, offering freed places in the order people joined,
and redeeming an offer (its place reserved until it is used or expires)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from event.current import event_link
from event.models import Event
from register.models import BadgeLevel, Order, WaitlistEntry
from register.selectors import (
    places_left,
    places_taken,
    registration_settings_of,
    secret_hash,
    waitlist_offer_by_token,
)
from register.services.capacity import lock_levels
from register.services.inputs import AttendeeInput
from register.services.purchase import order_place
from tenant.current import current_site_url
from tenant.models import User
from tenant.tasks import queue_many_after_commit

OFFER_FOR_ANOTHER_ACCOUNT = gettext_lazy(
    "This offer is for another account; log in with the one it was sent to."
)


@transaction.atomic
def waitlist_join(
    *, event: Event, level_id: int, account: User, now: dt.datetime | None = None
) -> WaitlistEntry:
    """Put the account on a sold-out level's waiting list (once: joining again returns the
    entry it already has)."""
    now = now or timezone.now()
    level = lock_levels(event=event, ids={level_id})[level_id]
    existing = WaitlistEntry.objects.filter(
        level=level,
        account_id=account.pk,
        status__in=[WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED],
    ).first()
    if existing is not None:
        return existing
    left = places_left(level, places_taken(level_ids=[level.pk], now=now))
    if left is None or left > 0:
        raise ValidationError(
            {
                "level": gettext("%(level)s is not sold out: you can register now.")
                % {"level": level.name}
            }
        )
    entry = WaitlistEntry(level=level, account_id=account.pk, email=account.email)
    entry.save(force_insert=True)
    return entry


@transaction.atomic
def waitlist_process(*, now: dt.datetime | None = None) -> int:
    """Expire offers that ran out, then offer every free place to the next person waiting for
    its level, in the order they joined: a personal link (random secret, stored hashed) valid
    for the organizer's ``waitlist_offer_hours``, mailed after commit. An offer reserves its
    place until it is used or expires. Returns how many offers were sent.

    A constant number of statements, whatever the number of levels: the levels with people
    waiting are locked together, their places counted together, and the people offered a place
    are chosen and updated in one statement each; the site's address for their links is looked
    up once."""
    now = now or timezone.now()
    WaitlistEntry.objects.filter(
        status=WaitlistEntry.Status.OFFERED, offer_expires_at__lte=now
    ).update(status=WaitlistEntry.Status.EXPIRED)
    waiting = WaitlistEntry.objects.filter(status=WaitlistEntry.Status.WAITING)
    levels = list(
        BadgeLevel.objects.select_for_update(of=("self",))
        .select_related("event")  # for the links: each offer leads to its own event's pages
        .filter(pk__in=waiting.values("level"))
        .order_by("pk")
    )
    taken = places_taken(level_ids=[level.pk for level in levels], now=now)
    free = {level.pk: places_left(level, taken) for level in levels}
    free = {level_id: left for level_id, left in free.items() if left is None or left > 0}
    if not free:
        return 0
    most = max((left for left in free.values() if left is not None), default=None)
    in_line = waiting.filter(level__in=free).annotate(
        place=Window(RowNumber(), partition_by=F("level"), order_by=[F("created_at"), F("pk")])
    )
    if None not in free.values() and most is not None:
        in_line = in_line.filter(place__lte=most)
    offered = [
        entry
        for entry in in_line.order_by("level", "place")
        if free[entry.level_id] is None or entry.place <= (free[entry.level_id] or 0)
    ]
    if not offered:
        return 0
    hours = _offer_hours(levels, {entry.level_id for entry in offered})
    site = current_site_url()  # looked up once for all the links
    event_of_level = {level.pk: level.event for level in levels}
    links = {}
    for entry in offered:
        token = secrets.token_urlsafe(32)
        entry.status = WaitlistEntry.Status.OFFERED
        entry.offer_token_hash = secret_hash(token)
        entry.offered_at = now
        entry.offer_expires_at = now + dt.timedelta(hours=hours[entry.level_id])
        links[entry.pk] = event_link(
            event_of_level[entry.level_id],
            "register:waitlist-offer",
            kwargs={"token": token},
            site=site,
        )
    WaitlistEntry.objects.bulk_update(
        offered, ["status", "offer_token_hash", "offered_at", "offer_expires_at"]
    )
    queue_many_after_commit(
        "register.send_waitlist_offer", [(entry_id, link) for entry_id, link in links.items()]
    )
    return len(offered)


def _offer_hours(levels: list[BadgeLevel], level_ids: set[int]) -> dict[int, int]:
    """How long an offer holds its place, per level: its event's setting (one query)."""
    event_of = {level.pk: level.event_id for level in levels if level.pk in level_ids}
    settings = registration_settings_of(event_ids=event_of.values())
    return {
        level_id: settings[event_id].waitlist_offer_hours for level_id, event_id in event_of.items()
    }


@transaction.atomic
def waitlist_offer_redeem(
    *,
    token: str,
    account: User,
    attendee: AttendeeInput,
    provider: str,
    now: dt.datetime | None = None,
) -> Order:
    """Use a waiting-list offer: an order for its level is placed with the place the offer
    reserved (``order_place`` with the offer left out of the count), and the offer is spent."""
    now = now or timezone.now()
    found = waitlist_offer_by_token(token=token, now=now)
    if found is None:
        raise ValidationError(gettext("This offer is not valid (any more)."))
    if found.account_id != account.pk:
        raise ValidationError(OFFER_FOR_ANOTHER_ACCOUNT)
    if attendee.level_id != found.level_id:
        raise ValidationError({"level": gettext("This offer is for another level.")})
    lock_levels(event=found.level.event, ids={found.level_id})  # the same lock order as a purchase
    entry = WaitlistEntry.objects.select_for_update().get(pk=found.pk)
    expires = entry.offer_expires_at
    if entry.status != WaitlistEntry.Status.OFFERED or expires is None or expires <= now:
        raise ValidationError(gettext("This offer is not valid (any more)."))
    order = order_place(
        event=found.level.event,
        account=account,
        attendees=[attendee],
        provider=provider,
        now=now,
        waitlist_offer_id=entry.pk,
    )
    entry.status, entry.order = WaitlistEntry.Status.USED, order
    entry.save(update_fields=["status", "order"])
    return order
