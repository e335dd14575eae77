"""Every read of registration, by capability. Import from here (``register.selectors``); the
modules are the layout, see docs/REGISTER.md:

- ``settings``  the organizer's settings and deadlines (a read never writes)
- ``places``    what is on sale, today's price, places taken and left
- ``codes``     discount codes usable now (one validity rule)
- ``orders``    orders and badges of an account, who may cancel
- ``badges``    what a badge shows its viewer (``BadgeState``)
- ``ban_list``  who matches the ban list (one query per order)
- ``links``     personal transfer and waiting-list links
- ``privacy``   a person's data here
- ``reports``   the organizers' reports and exports
"""

from register.selectors.badges import Badge, BadgeState, badge_state, badges_seen_by
from register.selectors.ban_list import (
    Person,
    ban_matches,
    ban_matches_any,
    normalized_email,
    normalized_name,
)
from register.selectors.codes import (
    discount_code_valid_now,
    discount_code_valid_q,
    discount_codes_usable,
)
from register.selectors.links import (
    secret_hash,
    transfer_by_token,
    waitlist_of_account,
    waitlist_offer_by_token,
)
from register.selectors.orders import (
    about_person_q,
    account_has_paid_registration,
    active_order_q,
    attendee_account_ids,
    badge_levels_held,
    held_by_q,
    next_hold_expiry,
    next_waitlist_offer_expiry,
    order_of_account,
    order_placed_by_form,
    order_upgrade,
    orders_listed,
    registration_by_checkin_token,
    registration_by_retired_token,
    registration_of_account,
    registrations_listed,
    registrations_of_account,
    self_cancel_refusal,
)
from register.selectors.places import (
    LevelOffer,
    UpgradeOffer,
    level_offers,
    level_price_on,
    places_left,
    places_taken,
    upgrade_offers,
)
from register.selectors.privacy import personal_data
from register.selectors.reports import (
    REGISTRATION_EXPORT_COLUMNS,
    CodeUsageRow,
    ComparedPoint,
    Dashboard,
    LevelPlaces,
    PickListPerson,
    PickListRow,
    TimelinePoint,
    TotalsRow,
    WaitlistRow,
    add_on_pick_list,
    add_on_pick_list_people,
    add_ons_text,
    money_columns,
    previous_event,
    registration_dashboard,
    registration_export_rows,
    registration_timeline,
    registration_timeline_compared,
    report_discount_usage,
    report_totals,
    report_waitlist,
)
from register.selectors.settings import (
    badge_name_edit_deadline,
    registration_settings,
    registration_settings_of,
    self_cancel_deadline,
    transfer_deadline,
)

__all__ = [
    "REGISTRATION_EXPORT_COLUMNS",
    "Badge",
    "BadgeState",
    "CodeUsageRow",
    "ComparedPoint",
    "Dashboard",
    "LevelPlaces",
    "LevelOffer",
    "Person",
    "PickListPerson",
    "PickListRow",
    "TimelinePoint",
    "TotalsRow",
    "UpgradeOffer",
    "WaitlistRow",
    "account_has_paid_registration",
    "badge_levels_held",
    "orders_listed",
    "registrations_listed",
    "active_order_q",
    "add_on_pick_list",
    "add_on_pick_list_people",
    "add_ons_text",
    "attendee_account_ids",
    "badge_name_edit_deadline",
    "badge_state",
    "badges_seen_by",
    "ban_matches",
    "ban_matches_any",
    "discount_code_valid_now",
    "discount_code_valid_q",
    "discount_codes_usable",
    "about_person_q",
    "held_by_q",
    "next_hold_expiry",
    "next_waitlist_offer_expiry",
    "level_offers",
    "level_price_on",
    "money_columns",
    "normalized_email",
    "normalized_name",
    "order_of_account",
    "order_placed_by_form",
    "order_upgrade",
    "personal_data",
    "places_left",
    "places_taken",
    "previous_event",
    "registration_by_checkin_token",
    "registration_by_retired_token",
    "registration_dashboard",
    "registration_export_rows",
    "registration_of_account",
    "registration_settings",
    "registration_settings_of",
    "registration_timeline",
    "registration_timeline_compared",
    "registrations_of_account",
    "report_discount_usage",
    "report_totals",
    "report_waitlist",
    "secret_hash",
    "self_cancel_deadline",
    "self_cancel_refusal",
    "transfer_by_token",
    "transfer_deadline",
    "upgrade_offers",
    "waitlist_of_account",
    "waitlist_offer_by_token",
]
