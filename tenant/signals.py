"""Signals of the platform core: the extension points between tenant apps and shared apps.

Tenant apps send them from their services; shared apps (the directory) listen. Nobody listens
to another app's raw model signals (``post_save`` of a model it does not own).
"""

from django.dispatch import Signal

# A person became an attendee of the convention being served: they placed an order, or a badge
# was handed to them. ``account_id``. Sent inside the writer's transaction.
attendee_joined = Signal()

# The convention's public facts changed (its event, dates, description): listings built from
# them are stale. No arguments; sent inside the writer's transaction.
listing_changed = Signal()

# A person's data in the convention being served was deleted at their request (every app has
# erased its part). ``account_id``. Sent after commit.
person_data_deleted = Signal()
