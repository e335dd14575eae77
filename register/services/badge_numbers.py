"""Badge numbers: taken from the event's ranges (``event.BadgeNumberRange``) through a locked
counter per kind, never reused — for a whole order at once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from django.core.exceptions import ValidationError
from django.db import connection
from simple_history.utils import bulk_update_with_history

from event.models import BadgeNumberRange, Event
from register.models import BadgeLevel, BadgeNumberCounter, Registration
from tenant.models import User

# One statement per kind: create the counter at the range's first number, or move it on from
# where it is (never below the range's start); the row stays locked until commit, so payments
# taking numbers of the same kind wait for each other. Returns the first number taken and the
# range's last number (NULL: no limit).
_TAKE_SQL = """
    WITH number_range AS (
        SELECT first_number, last_number FROM {ranges}
         WHERE event_id = %(event)s AND kind = %(kind)s
    )
    INSERT INTO {counters} AS counter (event_id, kind, next_number)
    VALUES (%(event)s, %(kind)s, COALESCE((SELECT first_number FROM number_range), 1) + %(count)s)
    ON CONFLICT (event_id, kind) DO UPDATE SET next_number =
        GREATEST(counter.next_number, COALESCE((SELECT first_number FROM number_range), 1))
        + %(count)s
    RETURNING counter.next_number - %(count)s, (SELECT last_number FROM number_range)
"""


def take_badge_numbers(*, event: Event, kinds: Iterable[str]) -> dict[str, Iterator[int]]:
    """Reserve badge numbers of ``event`` for badges of these kinds (one entry per badge):
    kind → the numbers, in order. Kinds are taken in sorted order (the same lock order for
    every payment). Refused when a kind's range is used up (nothing is taken then: the
    transaction rolls back)."""
    sql = _TAKE_SQL.format(
        ranges=BadgeNumberRange._meta.db_table, counters=BadgeNumberCounter._meta.db_table
    )
    taken: dict[str, Iterator[int]] = {}
    with connection.cursor() as cursor:
        for kind, count in sorted(Counter(kinds).items()):
            cursor.execute(sql, {"event": event.pk, "kind": kind, "count": count})
            first, last = cursor.fetchone()
            if last is not None and first + count - 1 > last:
                raise ValidationError(
                    f"The {kind} badge numbers (up to {last}) are used up: "
                    f"{count} more wanted from {first}."
                )
            taken[kind] = iter(range(first, first + count))
    return taken


def badge_numbers_assign(
    registrations: list[Registration],
    *,
    event: Event,
    levels: dict[int, BadgeLevel],
    by: User | None = None,
    reason: str = "",
) -> None:
    """Give these saved registrations (in this order) their badge numbers: one counter update
    per kind, one UPDATE of all the rows and one batch of audit records (who, why)."""
    numbers = take_badge_numbers(
        event=event, kinds=(levels[r.level_id].badge_kind for r in registrations)
    )
    for registration in registrations:
        registration.badge_number = next(numbers[levels[registration.level_id].badge_kind])
    bulk_update_with_history(
        registrations,
        Registration,
        ["badge_number"],
        default_user=by,
        default_change_reason=reason[:100],
    )
