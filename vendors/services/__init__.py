"""Every write of the dealers' den (``vendors.services.X`` for any X below)."""

from vendors.services.applications import (
    HOLDS_TABLES,
    TRANSITIONS,
    ApplicationInput,
    application_cancel,
    application_decide,
    application_submit,
    application_update,
    applications_erase,
    invoice_choose_provider,
    invoice_pay,
    invoice_payable,
    invoice_total,
    invoices_release_overdue,
    invoices_send_reminders,
    review_submit,
    waitlist_offer_freed_tables,
)
from vendors.services.badges import badges_included, badges_revoke, dealer_badge_issue
from vendors.services.hall import hall_layout_set, tables_place, tables_unplace
from vendors.services.photos import photo_add, photo_remove

__all__ = [
    "HOLDS_TABLES",
    "TRANSITIONS",
    "ApplicationInput",
    "application_cancel",
    "application_decide",
    "application_submit",
    "application_update",
    "applications_erase",
    "badges_included",
    "badges_revoke",
    "dealer_badge_issue",
    "hall_layout_set",
    "invoice_choose_provider",
    "invoice_pay",
    "invoice_payable",
    "invoice_total",
    "invoices_release_overdue",
    "invoices_send_reminders",
    "photo_add",
    "photo_remove",
    "review_submit",
    "tables_place",
    "tables_unplace",
    "waitlist_offer_freed_tables",
]
