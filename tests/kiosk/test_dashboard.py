"""The door's dashboard: figures right, and a fixed number of queries whatever they are."""

from __future__ import annotations

import datetime as dt

from kiosk.services import checkin_redeem
from tests.kiosk.conftest import paid_badges


def test_the_dashboard_counts_entries_levels_desks_and_minors(door, operator_client):
    event, level = door
    adults = paid_badges(event, level, count=3)
    (minor,) = paid_badges(
        event,
        level,
        birthdate=dt.date(2016, 1, 1),
        guardian_name="P",
        guardian_consent=True,
        guardian_contact="+1 215 555 0100",
    )
    for n, badge in enumerate([*adults, minor]):
        checkin_redeem(event=event, secret=badge.checkin_token, nonce=f"n{n}", desk=f"D{n % 2}")
    checkin_redeem(event=event, secret=adults[0].checkin_token, nonce="out", kind="exit")

    page = operator_client().get("/kiosk/dashboard/").text

    assert '<strong data-figure="inside">4</strong>' in page
    assert '<strong data-figure="minors">1</strong>' in page
    assert '<td data-level="Attendee">4</td>' in page
    assert '<td data-desk="D0">0.1</td>' in page and '<td data-desk="D1">0.1</td>' in page


def test_the_dashboard_costs_the_same_queries_for_one_or_many_checkins(
    door, operator_client, django_assert_max_num_queries, warm_routes
):
    event, level = door
    desk = operator_client()
    warm_routes(desk)
    first, *others = paid_badges(event, level, count=4)
    checkin_redeem(event=event, secret=first.checkin_token, nonce="a", desk="D1")

    with django_assert_max_num_queries(30) as one:
        desk.get("/kiosk/dashboard/")
    for n, badge in enumerate(others):
        checkin_redeem(event=event, secret=badge.checkin_token, nonce=f"b{n}", desk=f"D{n}")
    with django_assert_max_num_queries(30) as many:
        desk.get("/kiosk/dashboard/")

    assert len(many.captured_queries) == len(one.captured_queries)
