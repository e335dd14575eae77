"""Every write of registration, by capability. Import from here (``register.services``); the
modules are the layout, see docs/REGISTER.md:

- ``inputs``         what the services take (PersonInput, AttendeeInput) and their errors
- ``rules``          the attendee rules (age, guardian, badge name, questions), read once
- ``capacity``       row locks on codes, levels and add-ons; places; a level's capacity
- ``pricing``        prices, tiers, discounts and totals
- ``badge_numbers``  badge numbers for a whole order, one locked counter update per kind
- ``purchase``       placing an order (and a group's)
- ``payment``        paying, review, Stripe, refunds, cancellations, expired holds
- ``upgrades``       a badge to a higher level
- ``comps``          complimentary badges for other apps (the staffing app's staff badge)
- ``transfers``      a badge to another person
- ``attendees``      details changed after the order (badge name, the admin's corrections)
- ``waitlist``       waiting lists and their offers
- ``carry_over``     a badge's credit rolled over into a later event; loyalty codes
- ``privacy``        erasure and anonymization
- ``notifications``  mails and the check-in QR code
- ``throttles``      the discount-code throttle
- ``settings``       the organizer's settings; ``ban_list``: the ban list
- ``audit``          who changed what and why
"""

from payments.kinds import PaymentConflictError
from register.selectors import registration_settings
from register.services.attendees import (
    person_of,
    registration_change_badge_name,
    registration_details_correct,
    registration_details_errors,
)
from register.services.ban_list import ban_entry_errors, ban_entry_save
from register.services.capacity import badge_level_save, waitlist_queue_processing
from register.services.carry_over import (
    loyalty_codes_issue,
    loyalty_default_until,
    order_roll_over,
)
from register.services.comps import comp_revoke, dealer_badge_comp, staff_badge_comp
from register.services.inputs import (
    CENT,
    ZERO,
    AttendeeInput,
    DuplicateSubmissionError,
    PersonInput,
    TooManyCodeGuessesError,
)
from register.services.notifications import (
    account_language_remember,
    language_of,
    order_send_confirmation,
    order_send_review_notice,
    personal_code_send,
    qr_png,
    qr_svg,
    registration_send_confirmation,
    transfer_send_offer,
    waitlist_send_offer,
)
from register.services.payment import (
    DOOR_PAYMENT_METHODS,
    order_cancel,
    order_cancel_by_attendee,
    order_mark_paid,
    order_pay_at_door,
    order_refund,
    order_resend_confirmation,
    order_review_approve,
    order_set_provider_reference,
    orders_release_expired_holds,
)
from register.services.privacy import (
    ANONYMIZED,
    person_anonymize,
    registrations_anonymize,
    registrations_anonymize_after_event,
)
from register.services.purchase import GROUP_SIZE, group_order_place, order_place
from register.services.settings import registration_settings_update
from register.services.throttles import (
    CODE_FAILURE_LIMIT,
    CODE_FAILURE_WINDOW,
    CodeGuesser,
    CodeLookUp,
    discount_code_attempts_left,
    discount_code_failure_record,
    discount_code_look_up,
)
from register.services.transfers import TRANSFER_LINK_VALID, transfer_accept, transfer_offer
from register.services.upgrades import registration_upgrade
from register.services.waitlist import (
    OFFER_FOR_ANOTHER_ACCOUNT,
    waitlist_join,
    waitlist_offer_redeem,
    waitlist_process,
)

__all__ = [
    "DOOR_PAYMENT_METHODS",
    "comp_revoke",
    "dealer_badge_comp",
    "staff_badge_comp",
    "ANONYMIZED",
    "CENT",
    "CODE_FAILURE_LIMIT",
    "CODE_FAILURE_WINDOW",
    "GROUP_SIZE",
    "OFFER_FOR_ANOTHER_ACCOUNT",
    "TRANSFER_LINK_VALID",
    "ZERO",
    "AttendeeInput",
    "CodeGuesser",
    "CodeLookUp",
    "DuplicateSubmissionError",
    "PaymentConflictError",
    "PersonInput",
    "TooManyCodeGuessesError",
    "badge_level_save",
    "ban_entry_errors",
    "ban_entry_save",
    "discount_code_attempts_left",
    "discount_code_failure_record",
    "discount_code_look_up",
    "group_order_place",
    "order_cancel",
    "order_cancel_by_attendee",
    "order_roll_over",
    "loyalty_codes_issue",
    "loyalty_default_until",
    "personal_code_send",
    "order_mark_paid",
    "order_pay_at_door",
    "order_place",
    "order_refund",
    "order_resend_confirmation",
    "order_review_approve",
    "account_language_remember",
    "language_of",
    "order_send_confirmation",
    "order_send_review_notice",
    "order_set_provider_reference",
    "orders_release_expired_holds",
    "person_anonymize",
    "person_of",
    "qr_png",
    "qr_svg",
    "registration_change_badge_name",
    "registration_details_correct",
    "registration_details_errors",
    "registration_send_confirmation",
    "registration_settings",
    "registration_settings_update",
    "registration_upgrade",
    "registrations_anonymize",
    "registrations_anonymize_after_event",
    "transfer_accept",
    "transfer_offer",
    "transfer_send_offer",
    "waitlist_join",
    "waitlist_offer_redeem",
    "waitlist_process",
    "waitlist_queue_processing",
    "waitlist_send_offer",
]
