"""The habits the register app keeps, so the apps that copy it copy them: a public API that
does not move when its modules do, no private imports from commands, fixtures in one place."""

import ast
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

import register.selectors
import register.services

BASE = Path(settings.BASE_DIR)
TESTS = Path(__file__).parent

# What other apps (kiosk, shop, …) and the tests import; the names register.services and
# register.selectors had when each was one module. They stay importable from the packages.
SERVICES = """
    ANONYMIZED CENT CODE_FAILURE_LIMIT CODE_FAILURE_WINDOW GROUP_SIZE OFFER_FOR_ANOTHER_ACCOUNT
    TRANSFER_LINK_VALID ZERO AttendeeInput PaymentConflictError PersonInput
    discount_code_attempts_left discount_code_failure_record group_order_place order_cancel
    order_cancel_by_attendee order_mark_paid order_place order_refund order_resend_confirmation
    order_review_approve order_send_confirmation order_send_review_notice
    order_set_provider_reference orders_release_expired_holds person_anonymize qr_png qr_svg
    registration_change_badge_name registration_send_confirmation registration_settings
    registration_upgrade registrations_anonymize registrations_anonymize_after_event
    transfer_accept transfer_offer transfer_send_offer waitlist_join
    waitlist_offer_redeem waitlist_process waitlist_queue_processing waitlist_send_offer
""".split()
SELECTORS = """
    REGISTRATION_EXPORT_COLUMNS CodeUsageRow ComparedPoint LevelOffer TimelinePoint TotalsRow
    UpgradeOffer WaitlistRow account_has_paid_registration active_order_q attendee_account_ids
    badge_name_edit_deadline ban_matches discount_code_valid_now held_by_q level_offers
    level_price_on normalized_email normalized_name order_of_account personal_data places_taken
    previous_event registration_by_checkin_token registration_export_rows
    registration_of_account registration_timeline registration_timeline_compared
    registrations_of_account report_discount_usage report_totals report_waitlist secret_hash
    self_cancel_deadline self_cancel_refusal transfer_by_token transfer_deadline upgrade_offers
    waitlist_of_account waitlist_offer_by_token
""".split()


@pytest.mark.parametrize(
    ("package", "names"), [(register.services, SERVICES), (register.selectors, SELECTORS)]
)
def test_every_public_name_is_importable_from_the_package(package, names):
    missing = [name for name in names if not hasattr(package, name)]

    assert missing == []
    assert set(names) <= set(package.__all__)


def _imported_names(path: Path) -> list[tuple[str, str]]:
    tree = ast.parse(path.read_text())
    return [
        (node.module or "", alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    ]


def test_no_management_command_imports_a_private_name():
    commands = sorted(BASE.glob("*/management/commands/*.py"))

    private = [
        f"{path.relative_to(BASE)}: {module}.{name}"
        for path in commands
        for module, name in _imported_names(path)
        if name.startswith("_")
    ]

    assert len(commands) > 5
    assert private == []


def _fixture_names(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any("fixture" in ast.unparse(decorator) for decorator in node.decorator_list)
    ]


def test_a_fixture_two_modules_need_lives_in_the_conftest():
    modules = sorted(TESTS.glob("test_*.py"))
    shared = set(_fixture_names(TESTS / "conftest.py"))
    counts = Counter(name for path in modules for name in _fixture_names(path))

    defined_twice = sorted(name for name, count in counts.items() if count > 1)
    shadowing_the_conftest = sorted(set(counts) & shared)

    assert (defined_twice, shadowing_the_conftest) == ([], [])


def test_no_test_module_imports_from_another_test_module_or_a_conftest():
    imports = [
        f"{path.name}: from {module} import {name}"
        for path in sorted(TESTS.glob("test_*.py"))
        for module, name in _imported_names(path)
        if module.startswith("tests.register.test_") or module.endswith("conftest")
    ]

    assert imports == []
