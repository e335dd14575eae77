"""A person's data at the convention being served, across every tenant app (the app contract).

The export and the deletion visit every app's contract, so a volunteer's shifts or a dealer's
application are covered like a badge. Only this convention's schema is read or changed: every
other convention keeps its data in a schema of its own.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction

from midsummer.contract import contracts
from tenant.current import current_tenant
from tenant.models import User
from tenant.signals import person_data_deleted


def personal_data_export(*, account: User) -> dict[str, Any]:
    """Everything this convention holds about ``account``, as JSON-ready data: one section
    per app that holds something."""
    tenant = current_tenant()
    data: dict[str, Any] = {
        "convention": tenant.name if tenant else "",
        "account": {"id": account.pk, "email": account.email},
    }
    for contract in contracts():
        section = contract.personal_data(account=account)
        if section:
            data[contract.label] = section
    return data


@transaction.atomic
def personal_data_erase(*, account: User) -> dict[str, int]:
    """The person asks this convention to delete their data: every app erases or anonymizes
    its part (amounts and counts stay for the books). Returns what each app did. Side effect:
    ``person_data_deleted`` after commit (the directory forgets the convention for them)."""
    done = {c.label: c.personal_data_erase(account=account) for c in contracts()}
    transaction.on_commit(partial(person_data_deleted.send, sender=User, account_id=account.pk))
    return done
