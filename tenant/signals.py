"""Signals of the platform core: the extension points between tenant apps and shared apps.

Tenant apps send them from their services; shared apps (the directory) listen. Nobody listens
to another app's raw model signals (``post_save`` of a model it does not own).
"""

from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

# A person became an attendee of the convention being served: they placed an order, or a badge
# was handed to them. ``account_id``. Sent inside the writer's transaction.
attendee_joined = Signal()

# The convention's public facts changed (its event, dates, description): listings built from
# them are stale. No arguments; sent inside the writer's transaction.
listing_changed = Signal()

# A person's data in the convention being served was deleted at their request (every app has
# erased its part). ``account_id``. Sent after commit.
person_data_deleted = Signal()

# Something happened that a convention's integrations may be told about (outgoing webhooks,
# api/webhooks.py): ``kind`` (one of ``INTEGRATION_EVENTS``) and ``data``, a small JSON-ready
# dict of ids and references — never personal details, which receivers read through the API
# with their own token. Sent inside the writer's transaction: a rollback tells nobody.
integration_event = Signal()

INTEGRATION_EVENTS = {
    "order.paid": _("An order was paid"),
    "order.cancelled": _("An unpaid order was cancelled"),
    "order.refunded": _("An order was refunded in full"),
    "registration.cancelled": _("A badge was cancelled (its order cancelled, refunded or expired)"),
    "checkin.redeemed": _("A badge was checked in or out at the door"),
    "schedule.released": _("A new version of the schedule was released"),
}
