"""What a badge shows its viewer: one selector decides (BadgeState), the template names the
states, and every state has its own sentence."""

import pytest
from django.template.loader import render_to_string

from register.models import BadgeLevel, Order, Registration
from register.selectors import Badge, BadgeState, badge_state

VIEWER, SOMEONE_ELSE = 1, 2


@pytest.mark.parametrize(
    ("status", "needs_holder", "holder_id", "state"),
    [
        (Order.Status.PAID, False, None, BadgeState.READY),
        (Order.Status.PAID, False, VIEWER, BadgeState.READY),  # handed to the viewer
        (Order.Status.PAID, False, SOMEONE_ELSE, BadgeState.TRANSFERRED),
        (Order.Status.PAID, True, None, BadgeState.UNASSIGNED),
        (Order.Status.PENDING, True, None, BadgeState.PENDING),  # unpaid first of all
        (Order.Status.HELD, False, None, BadgeState.HELD),
        (Order.Status.EXPIRED, False, None, BadgeState.VOID),
        (Order.Status.CANCELLED, False, None, BadgeState.VOID),
        (Order.Status.REFUNDED, False, SOMEONE_ELSE, BadgeState.VOID),
    ],
)
def test_badge_state_follows_the_order_then_the_holder(status, needs_holder, holder_id, state):
    registration = Registration(
        order=Order(status=status), needs_holder=needs_holder, holder_id=holder_id
    )

    assert badge_state(registration, account_id=VIEWER) == state


def test_every_badge_state_has_its_own_sentence_and_only_ready_shows_the_code():
    registration = Registration(
        order=Order(status=Order.Status.PAID), level=BadgeLevel(name="Attendee"), badge_name="Fox"
    )

    rendered = {
        state: render_to_string(
            "register/_badge.html",
            {
                "badge": Badge(registration, state),
                "registration": registration,
                "qr": "<svg>code</svg>",
                "BadgeState": BadgeState,
            },
        )
        for state in BadgeState
    }

    assert len(set(rendered.values())) == len(BadgeState)
    assert [state for state, html in rendered.items() if "<svg>code</svg>" in html] == [
        BadgeState.READY
    ]
