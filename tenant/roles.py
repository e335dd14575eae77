"""Named roles a member can hold in one tenant, and the permissions each grants there.

Grants are patterns over ``app_label.codename`` of the tenant apps (``*`` as a wildcard), so a
role keeps working as apps add models. Apps that do not exist yet simply match nothing.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from django.db import models


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", "Org admin"
    REGISTRATION_LEAD = "registration_lead", "Registration lead"
    STAFF_LEAD = "staff_lead", "Staff lead"
    VENDOR_LEAD = "vendor_lead", "Vendor lead"
    VENDOR_REVIEWER = "vendor_reviewer", "Vendor reviewer"
    SCHEDULE_LEAD = "schedule_lead", "Schedule lead"
    SCHEDULE_REVIEWER = "schedule_reviewer", "Schedule reviewer"
    SHOP_LEAD = "shop_lead", "Shop lead"
    SHOP_DESK = "shop_desk", "Merch desk"
    KIOSK_OPERATOR = "kiosk_operator", "Kiosk operator"


SEE_THE_EVENT = "event.view_*"
MANAGE_MEMBERS = (
    "tenant.view_membership",
    "tenant.add_membership",
    "tenant.change_membership",
    "tenant.delete_membership",
)

ROLE_GRANTS: dict[str, tuple[str, ...]] = {
    Role.ORG_ADMIN: ("*.*", *MANAGE_MEMBERS),
    Role.REGISTRATION_LEAD: ("register.*", SEE_THE_EVENT, "event.*_badgenumberrange"),
    Role.STAFF_LEAD: ("staff.*", SEE_THE_EVENT),
    Role.VENDOR_LEAD: ("vendors.*", SEE_THE_EVENT),
    # Scores dealer applications; decides nothing.
    Role.VENDOR_REVIEWER: (
        "vendors.view_application",
        "vendors.review_application",
        SEE_THE_EVENT,
    ),
    Role.SCHEDULE_LEAD: ("schedule.*", SEE_THE_EVENT),
    # Reads and scores panel submissions; decides, plans and releases nothing.
    Role.SCHEDULE_REVIEWER: (
        "schedule.view_submission",
        "schedule.review_submission",
        SEE_THE_EVENT,
    ),
    Role.SHOP_LEAD: ("shop.*", SEE_THE_EVENT),
    # The merch desk: find orders and hand out what was bought.
    Role.SHOP_DESK: ("shop.view_shoporder", "shop.hand_out", SEE_THE_EVENT),
    Role.KIOSK_OPERATOR: ("kiosk.*", "register.view_*", SEE_THE_EVENT),
}

# The developer tools of a tenant: its OAuth applications, its webhooks and their delivery log
# (the API app's own tables), and read-only diagnostics.
VIEW_DIAGNOSTICS = "tenant.view_diagnostics"
DEVELOPER_GRANTS: tuple[str, ...] = (
    VIEW_DIAGNOSTICS,
    "tenant.view_application",
    "tenant.add_application",
    "tenant.change_application",
    "tenant.delete_application",
    "api.*",
)


def granted_patterns(
    *, is_tenant_superuser: bool, is_developer: bool, roles: list[str]
) -> tuple[str, ...]:
    if is_tenant_superuser:
        return ("*.*", *MANAGE_MEMBERS, *DEVELOPER_GRANTS)
    patterns: list[str] = []
    for role in roles:
        patterns.extend(ROLE_GRANTS.get(role, ()))
    if is_developer:
        patterns.extend(DEVELOPER_GRANTS)
    return tuple(patterns)


def grants_perm(patterns: tuple[str, ...], perm: str, *, tenant_app: bool) -> bool:
    """Wildcards reach only the tenant apps; a shared-app permission must be named exactly."""
    if tenant_app:
        return any(fnmatchcase(perm, pattern) for pattern in patterns)
    return perm in patterns


def grants_module(patterns: tuple[str, ...], app_label: str, *, tenant_app: bool) -> bool:
    if tenant_app:
        return any(fnmatchcase(app_label, pattern.split(".", 1)[0]) for pattern in patterns)
    return any(pattern.startswith(f"{app_label}.") and "*" not in pattern for pattern in patterns)
