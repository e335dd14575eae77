"""Who may manage which department: the one place the staffing roles are checked.

The tenant role ``staff_lead`` (``tenant/roles.py``, granting ``staff.*``) manages every
department; a department head (``DepartmentMember.is_head``) manages their department and its
sub-departments, nothing else."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from event.models import Event
from staff.models import Department, DepartmentMember


def is_staffing_lead(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm("staff.change_job"))


def headed_department_ids(*, event: Event, account_id: int) -> set[int]:
    """The departments the account heads in this event, with all their sub-departments."""
    headed = set(
        DepartmentMember.objects.filter(
            is_head=True, volunteer__account_id=account_id, department__event=event
        ).values_list("department_id", flat=True)
    )
    if not headed:
        return set()
    tree = list(Department.objects.filter(event=event).values_list("pk", "parent_id"))
    found = set(headed)
    grew = True
    while grew:
        grew = False
        for pk, parent_id in tree:
            if parent_id in found and pk not in found:
                found.add(pk)
                grew = True
    return found


def managed_departments(*, user: Any, event: Event) -> QuerySet[Department]:
    """The departments this user manages in the event (none for an anonymous visitor)."""
    departments = Department.objects.filter(event=event)
    if is_staffing_lead(user):
        return departments
    if not getattr(user, "is_authenticated", False):
        return departments.none()
    return departments.filter(pk__in=headed_department_ids(event=event, account_id=user.pk))


def may_manage(*, user: Any, department: Department) -> bool:
    if is_staffing_lead(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return department.pk in headed_department_ids(event=department.event, account_id=user.pk)
