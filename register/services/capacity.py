"""Places under row locks: the discount code, the levels and the add-ons an order takes, and
what happens when a level's places change.

Locks are always taken in the same order (discount code, then levels by id, then add-ons by
id) so that two orders racing for the same places wait for each other instead of deadlocking.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, prefetch_related_objects
from django.utils.translation import gettext, ngettext

from event.models import Event
from register.models import AddOn, BadgeLevel, DiscountCode, RegistrationAddOn
from register.selectors import active_order_q, discount_codes_usable, places_taken
from register.services.inputs import AttendeeInput
from tenant.tasks import queue_after_commit


def lock_discount_code(
    *, event: Event, code: str, now: dt.datetime, email: str = ""
) -> DiscountCode | None:
    """The code the buyer (the account with ``email``) typed, locked (its uses are counted
    under the lock), or None when they typed none. A code that is unknown, not valid now or
    someone else's personal code is refused."""
    if not code.strip():
        return None
    usable = discount_codes_usable(event=event, code=code, now=now, email=email)
    found = usable.select_for_update().first()
    if found is None:
        raise ValidationError(
            {"discount_code": gettext("This code is not valid for this event now.")}
        )
    return found


def lock_levels(
    *, event: Event, ids: set[int], with_price_tiers: bool = False
) -> dict[int, BadgeLevel]:
    """The event's levels with these ids, locked in id order (their price tiers read along
    when asked for); an id that is not the event's is refused."""
    levels = {
        level.pk: level
        for level in BadgeLevel.objects.select_for_update()
        .filter(event=event, pk__in=ids)
        .order_by("pk")
    }
    if set(levels) != ids:
        raise ValidationError({"level": gettext("That badge level is not offered.")})
    if with_price_tiers:
        prefetch_related_objects(list(levels.values()), "price_tiers")
    return levels


def check_on_sale(
    levels: Iterable[BadgeLevel], *, now: dt.datetime, unlocked: frozenset[int] = frozenset()
) -> None:
    """Refuse a level outside its sale window, or a hidden one no code in hand unlocks."""
    for level in levels:
        if level.sale_starts_at and now < level.sale_starts_at:
            raise ValidationError(
                {"level": gettext("%(level)s is not on sale yet.") % {"level": level.name}}
            )
        if level.sale_ends_at and now >= level.sale_ends_at:
            raise ValidationError(
                {"level": gettext("%(level)s is no longer on sale.") % {"level": level.name}}
            )
        if level.is_hidden and level.pk not in unlocked:
            raise ValidationError({"level": gettext("That badge level is not offered.")})


def check_capacity(
    levels: dict[int, BadgeLevel],
    wanted: Counter,
    *,
    now: dt.datetime,
    except_offer_id: int | None = None,
) -> None:
    """Refuse when a level (locked) has fewer places left than ``wanted`` of it; a waiting-list
    offer being redeemed (``except_offer_id``) does not count against its own place."""
    limited = [level_id for level_id in wanted if levels[level_id].capacity is not None]
    taken = places_taken(level_ids=limited, now=now, except_offer_id=except_offer_id)
    for level_id in limited:
        level, count = levels[level_id], wanted[level_id]
        capacity = level.capacity or 0
        if taken[level_id] + count > capacity:
            left = max(capacity - taken[level_id], 0)
            raise ValidationError(
                {
                    "level": gettext("%(level)s is sold out.") % {"level": level.name}
                    if left == 0
                    else ngettext(
                        "Only %(left)d %(level)s badge left.",
                        "Only %(left)d %(level)s badges left.",
                        left,
                    )
                    % {"left": left, "level": level.name}
                }
            )


def lock_add_ons(
    *, event: Event, attendees: Iterable[AttendeeInput], now: dt.datetime
) -> dict[int, AddOn]:
    """The add-ons these attendees chose, locked in id order, each offered by the event, with
    places left and one of its options chosen (when it has options). Nothing is read when
    nobody chose an add-on."""
    chosen = [(add_on_id, option) for a in attendees for add_on_id, option in a.add_ons]
    if not chosen:
        return {}
    wanted = Counter(add_on_id for add_on_id, _ in chosen)
    add_ons = {
        add_on.pk: add_on
        for add_on in AddOn.objects.select_for_update()
        .filter(event=event, pk__in=wanted)
        .order_by("pk")
    }
    if set(add_ons) != set(wanted):
        raise ValidationError({"add_ons": gettext("That add-on is not offered.")})
    for add_on_id, option in chosen:
        add_on = add_ons[add_on_id]
        if add_on.options and option not in add_on.options:
            raise ValidationError(
                {
                    "add_ons": gettext("Please choose an option for %(add_on)s.")
                    % {"add_on": add_on.name}
                }
            )
    limited = [i for i in wanted if add_ons[i].capacity is not None]
    taken = (
        dict(
            RegistrationAddOn.objects.filter(
                active_order_q(now=now, prefix="registration__order__"), add_on__in=limited
            )
            .values_list("add_on")
            .annotate(n=Count("pk"))
        )
        if limited
        else {}
    )
    for add_on_id in limited:
        add_on = add_ons[add_on_id]
        if taken.get(add_on_id, 0) + wanted[add_on_id] > (add_on.capacity or 0):
            raise ValidationError(
                {"add_ons": gettext("%(add_on)s is sold out.") % {"add_on": add_on.name}}
            )
    return add_ons


def waitlist_queue_processing() -> None:
    """After commit, offer freed places to the waiting lists (capacity raised, places freed)."""
    queue_after_commit("register.process_waitlists")


@transaction.atomic
def badge_level_save(*, level: BadgeLevel) -> BadgeLevel:
    """Save a level, new or changed (the admin's edits included). Side effect: when an existing
    level gets more places (a higher capacity, or none), the waiting lists are processed after
    commit, so the new places are offered to the people waiting."""
    before = (
        BadgeLevel.objects.select_for_update().filter(pk=level.pk).values("capacity").first()
        if level.pk
        else None
    )
    level.full_clean(validate_unique=False, validate_constraints=False)
    if before is None:
        level.save(force_insert=True)
    else:
        level.save(update_fields=_EDITABLE_LEVEL_FIELDS)
    if before is not None and _more_places(before["capacity"], level.capacity):
        waitlist_queue_processing()
    return level


_EDITABLE_LEVEL_FIELDS = [
    field.name for field in BadgeLevel._meta.concrete_fields if not field.primary_key
]


def _more_places(before: int | None, after: int | None) -> bool:
    if before is None:
        return False  # no limit before: nobody could have been waiting for a place
    return after is None or after > before
