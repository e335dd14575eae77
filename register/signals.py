"""Signals other apps listen to, so that register needs to know nothing about them."""

from django.dispatch import Signal

# Sent (after commit) when a person's data in this convention was deleted at their request;
# ``account_id`` is the account that asked.
person_data_deleted = Signal()
