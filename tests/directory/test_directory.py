import datetime as dt
import re
from dataclasses import fields

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from directory.ical import escape_text, fold
from directory.models import ConventionAttendee, ConventionListing
from event.services import event_save
from register.services import (
    PersonInput,
    group_order_place,
    order_mark_paid,
    order_place,
    transfer_accept,
    transfer_offer,
)
from tenant.lifecycle import tenant_set_state
from tenant.models import Domain, Tenant
from tenant.roles import Role
from tests.factories.event import EventFactory
from tests.factories.register import BadgeLevelFactory, attendee
from tests.factories.tenant import PASSWORD, MembershipFactory, UserFactory

PERSON = {field.name for field in fields(PersonInput)}
SOON = timezone.localdate() + dt.timedelta(days=40)


def _event(tenant, name, *, start=SOON, city="Philadelphia", **extra):
    """An active event, saved the way the admin and seed_demo save one (``event_save``)."""
    with tenant_context(tenant):
        return event_save(
            event=EventFactory.build(
                name=name,
                is_active=True,
                start_date=start,
                end_date=start + dt.timedelta(days=2),
                city=city,
                **extra,
            )
        )


def test_listing_follows_the_tenants_active_event(tenant_a):
    event = _event(tenant_a, "Alpha Con")

    created = ConventionListing.objects.get(tenant=tenant_a)
    with tenant_context(tenant_a):
        event.name = "Alpha Con Renamed"
        event_save(event=event)
    renamed = ConventionListing.objects.get(tenant=tenant_a).event_name
    with tenant_context(tenant_a):
        event.is_active = False
        event_save(event=event)

    assert (created.event_name, created.start_date, created.city) == (
        "Alpha Con",
        SOON,
        "Philadelphia",
    )
    assert renamed == "Alpha Con Renamed"
    assert not ConventionListing.objects.filter(tenant=tenant_a).exists()


def test_directory_lists_upcoming_conventions_of_all_tenants(tenant_a, tenant_b, client_public):
    _event(tenant_a, "Alpha Con", city="Philadelphia")
    _event(tenant_b, "Beta Fest", start=SOON + dt.timedelta(days=5), city="Louisville")
    with tenant_context(tenant_b):
        EventFactory(name="Beta Past", start_date=dt.date(2020, 1, 1), end_date=dt.date(2020, 1, 2))

    html = client_public.get("/").content.decode()

    assert '<a href="http://alpha.localhost/">Alpha Con</a>' in html
    assert '<a href="http://beta.localhost/">Beta Fest</a>' in html
    assert "Louisville" in html and "Philadelphia" in html
    assert html.index("Alpha Con") < html.index("Beta Fest")
    assert "Beta Past" not in html


def test_past_conventions_and_inactive_tenants_are_not_listed(tenant_a, client_public):
    _event(tenant_a, "Alpha Old", start=timezone.localdate() - dt.timedelta(days=30))

    html = client_public.get("/").content.decode()

    assert "Alpha Old" not in html


def test_sandbox_copies_are_not_listed(tenant_a, tenant_b, client_public):
    _event(tenant_a, "Alpha Con")
    _event(tenant_b, "Beta Rehearsal")
    tenant_b.is_sandbox = True
    tenant_b.save()  # undone with the test's transaction
    html = client_public.get("/").content.decode()
    _event(tenant_b, "Beta Rehearsal 2")  # a sandbox's own refresh keeps it unlisted
    refreshed = client_public.get("/").content.decode()

    assert "Alpha Con" in html
    assert "Beta Rehearsal" not in html and "Beta Rehearsal" not in refreshed
    assert ConventionListing.objects.get(tenant=tenant_b).event_name == "Beta Rehearsal 2"


def test_a_deactivated_convention_leaves_the_directory_and_comes_back(tenant_a, client_public):
    _event(tenant_a, "Alpha Con")
    tenant_set_state(tenant=tenant_a, state=Tenant.State.DEACTIVATED)
    deactivated = client_public.get("/", {"q": "alpha"}).content.decode()
    feed = client_public.get("/conventions.ics").content.decode()
    tenant_set_state(tenant=tenant_a, state=Tenant.State.ARCHIVED)
    archived = client_public.get("/", {"q": "alpha"}).content.decode()

    assert ">Alpha Con</a>" not in deactivated and "Alpha Con" not in feed
    assert ">Alpha Con</a>" in archived  # archived: still served, read-only


def _fake_tenants(count: int) -> None:
    """Tenants in public only (no schema): the directory never visits tenant schemas."""
    tenants = Tenant.objects.bulk_create(
        Tenant(schema_name=f"fake{n}", name=f"Fake {n}") for n in range(count)
    )
    Domain.objects.bulk_create(
        Domain(tenant=t, domain=f"{t.schema_name}.localhost", is_primary=True) for t in tenants
    )
    ConventionListing.objects.bulk_create(
        ConventionListing(
            tenant=t,
            event_name=f"{t.name} Con",
            start_date=SOON,
            end_date=SOON,
            timezone="UTC",
            city="Town",
        )
        for t in tenants
    )


@pytest.mark.parametrize(
    ("path", "per_convention"), [("/", b" Con</a></h3>"), ("/conventions.ics", b"BEGIN:VEVENT")]
)
def test_directory_queries_do_not_grow_with_tenants(
    client_public, warm_routes, path, per_convention
):
    def count(n):
        ConventionListing.objects.all().delete()
        Tenant.objects.filter(schema_name__startswith="fake").delete()
        _fake_tenants(n)
        warm_routes(client_public)
        with CaptureQueriesContext(connection) as queries:
            response = client_public.get(path)
        assert response.content.count(per_convention) == n
        return len(queries)

    assert count(2) == count(20)


def test_ical_feed_has_all_day_events_with_uid_and_escaping(tenant_a, tenant_b, client_public):
    _event(tenant_a, "Alpha, the Con; 2031", venue_name="Hall")
    _event(tenant_b, "Beta Fest")

    response = client_public.get("/conventions.ics")

    body = response.content.decode()
    lines = body.split("\r\n")
    start, end = SOON.strftime("%Y%m%d"), (SOON + dt.timedelta(days=3)).strftime("%Y%m%d")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert lines[0] == "BEGIN:VCALENDAR" and body.endswith("END:VCALENDAR\r\n")
    assert body.count("BEGIN:VEVENT") == 2
    assert "SUMMARY:Alpha\\, the Con\\; 2031" in lines
    assert f"DTSTART;VALUE=DATE:{start}" in lines
    assert f"DTEND;VALUE=DATE:{end}" in lines  # exclusive: the day after the last day
    assert f"UID:convention-{tenant_a.pk}@localhost" in lines
    assert "LOCATION:Hall\\, Philadelphia" in lines
    assert "URL:http://alpha.localhost/" in lines
    assert all(len(line.encode()) <= 75 for line in lines)


def test_ical_text_escaping_and_folding():
    assert escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"
    folded = fold("DESCRIPTION:" + "é" * 80)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "DESCRIPTION:" + "é" * 80


def test_placing_an_order_records_the_convention_for_my_conventions(tenant_a, tenant_b):
    buyer = UserFactory()
    event = _event(tenant_a, "Alpha Con")
    with tenant_context(tenant_a):
        level = BadgeLevelFactory(event=event)
        order_place(event=event, account=buyer, provider="simulated", attendees=[attendee(level)])

    assert list(ConventionAttendee.objects.filter(user=buyer).values_list("tenant", flat=True)) == [
        tenant_a.pk
    ]


def test_a_handed_over_badge_records_the_convention_for_its_new_holder(
    tenant_a, django_capture_on_commit_callbacks
):
    buyer, holder = UserFactory(), UserFactory()
    event = _event(tenant_a, "Alpha Con")
    with tenant_context(tenant_a):
        level = BadgeLevelFactory(event=event)
        order = group_order_place(
            event=event, account=buyer, leader=attendee(level), quantity=2, provider="simulated"
        )
        order_mark_paid(order_id=order.pk, amount=order.total)
        with django_capture_on_commit_callbacks(execute=True):
            transfer_offer(
                registration_id=order.registrations.first().pk, by=buyer, email=holder.email
            )
        token = re.search(r"/register/transfer/([\w-]+)/", mail.outbox[-1].body)[1]
        transfer_accept(
            token=token,
            account=holder,
            person=PersonInput(
                **{k: v for k, v in attendee(level).__dict__.items() if k in PERSON}
            ),
        )

    assert ConventionAttendee.objects.filter(user=holder, tenant=tenant_a).exists()


def test_deleting_my_data_here_drops_only_this_convention_from_my_conventions(
    tenant_a, tenant_b, client_a, django_capture_on_commit_callbacks
):
    person = UserFactory()
    for tenant in (tenant_a, tenant_b):
        event = _event(tenant, f"{tenant.name} Con")
        with tenant_context(tenant):
            level = BadgeLevelFactory(event=event)
            order_place(
                event=event, account=person, provider="simulated", attendees=[attendee(level)]
            )
    client_a.post("/accounts/login/", {"username": person.email, "password": PASSWORD})

    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post("/my-data/delete/")

    assert response.status_code == 302
    assert list(
        ConventionAttendee.objects.filter(user=person).values_list("tenant", flat=True)
    ) == [tenant_b.pk]


def test_my_conventions_lists_registrations_and_roles_only_mine(tenant_a, tenant_b, client_public):
    _event(tenant_a, "Alpha Con")
    me, other = UserFactory(), UserFactory()
    ConventionAttendee.objects.create(user=me, tenant=tenant_a)
    MembershipFactory(user=me, tenant=tenant_b, roles=[Role.STAFF_LEAD])
    ConventionAttendee.objects.create(user=other, tenant=tenant_b)
    client_public.post("/accounts/login/", {"username": me.email, "password": PASSWORD})

    html = client_public.get("/my/conventions/").content.decode()
    client_public.post("/accounts/logout/")
    client_public.post("/accounts/login/", {"username": other.email, "password": PASSWORD})
    others = client_public.get("/my/conventions/").content.decode()

    assert '<a href="http://alpha.localhost/">Alpha</a>' in html
    assert '<a href="http://beta.localhost/">Beta</a>' in html
    assert "Alpha Con" in html
    assert "Alpha" not in others and '<a href="http://beta.localhost/">Beta</a>' in others


def test_my_conventions_needs_a_login(client_public):
    response = client_public.get("/my/conventions/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_backfill_command_rebuilds_listings(tenant_a):
    from django.core.management import call_command

    _event(tenant_a, "Alpha Con")
    ConventionListing.objects.all().delete()

    call_command("directory_backfill", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert ConventionListing.objects.get(tenant=tenant_a).event_name == "Alpha Con"


@pytest.mark.parametrize("count", [1, 3])
def test_my_conventions_queries_do_not_grow_with_conventions(
    client_public, django_assert_num_queries, count
):
    me = UserFactory()
    tenants = Tenant.objects.bulk_create(
        Tenant(schema_name=f"mine{n}", name=f"Mine {n}") for n in range(count)
    )
    Domain.objects.bulk_create(
        Domain(tenant=t, domain=f"{t.schema_name}.localhost", is_primary=True) for t in tenants
    )
    ConventionAttendee.objects.bulk_create(ConventionAttendee(user=me, tenant=t) for t in tenants)
    client_public.post("/accounts/login/", {"username": me.email, "password": PASSWORD})
    client_public.get("/my/conventions/")

    # session, user, the conventions (with their hosts and listings) — for 1 or 3.
    with django_assert_num_queries(3):
        response = client_public.get("/my/conventions/")

    assert response.content.count(b'.localhost/">Mine ') == count


def test_listing_is_written_under_schema_context_too(tenant_a):
    from django_tenants.utils import schema_context

    with schema_context("alpha"):
        event_save(
            event=EventFactory.build(
                name="Alpha by schema", is_active=True, start_date=SOON, end_date=SOON
            )
        )

    assert ConventionListing.objects.get(tenant=tenant_a).event_name == "Alpha by schema"


def _listing(name: str, *, start=SOON, city="Town", position=None) -> ConventionListing:
    tenant = Tenant.objects.create(schema_name=f"fake_{name.lower().replace(' ', '_')}", name=name)
    Domain.objects.create(tenant=tenant, domain=f"{tenant.schema_name}.localhost", is_primary=True)
    latitude, longitude = position or (None, None)
    return ConventionListing.objects.create(
        tenant=tenant,
        convention_name=tenant.name,
        event_name=name,
        start_date=start,
        end_date=start,
        timezone="UTC",
        city=city,
        latitude=latitude,
        longitude=longitude,
    )


def test_the_directory_is_paged_and_a_page_costs_the_same_queries(client_public, warm_routes):
    _fake_tenants(30)
    warm_routes(client_public)

    with CaptureQueriesContext(connection) as first_queries:
        first = client_public.get("/").content.decode()
    with CaptureQueriesContext(connection) as second_queries:
        second = client_public.get("/?page=2").content.decode()

    assert first.count(" Con</a></h3>") == 24
    assert second.count(" Con</a></h3>") == 6
    assert "30 conventions" in first and "Page 1 of 2" in first
    assert len(first_queries) == len(second_queries)


def test_the_directory_searches_names_cities_and_conventions(client_public):
    _listing("Otter Con", city="Portland")
    _listing("Fox Fest", city="Philadelphia")

    by_city = client_public.get("/", {"q": "philadelphia"}).content.decode()
    by_name = client_public.get("/", {"q": "otter"}).content.decode()
    nothing = client_public.get("/", {"q": "badger"}).content.decode()

    assert ">Fox Fest</a>" in by_city and ">Otter Con</a>" not in by_city
    assert ">Otter Con</a>" in by_name and ">Fox Fest</a>" not in by_name
    assert "No convention matches" in nothing


def test_a_search_matches_the_start_of_any_word_of_event_city_or_convention(client_public):
    otter = _listing("Otter Con", city="Portland")
    Tenant.objects.filter(pk=otter.tenant_id).update(name="Mustelid Society")
    ConventionListing.objects.filter(pk=otter.pk).update(convention_name="Mustelid Society")
    _listing("Fox Fest", city="Philadelphia")

    def found(query: str) -> set[str]:
        html = client_public.get("/", {"q": query}).content.decode()
        return {name for name in ("Otter Con", "Fox Fest") if f">{name}</a>" in html}

    assert found("phila") == {"Fox Fest"}  # the start of a word
    assert found("delphia") == set()  # not the middle of one
    assert found("mustel otter") == {"Otter Con"}  # every word, anywhere among the three
    assert found("mustelid fox") == set()
    assert found("OTTER") == {"Otter Con"}


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("otter & | ! :* ( ) '", True),  # the syntax is dropped, the word stays
        ("badger:* | otter", False),  # no "or": every word must match
        ("<-> \\", True),  # no word at all: no search
        ("ötter", False),
    ],
)
def test_search_syntax_in_a_query_is_just_text(client_public, query, shown):
    _listing("Otter Con")

    response = client_public.get("/", {"q": query})

    assert response.status_code == 200
    assert (">Otter Con</a>" in response.content.decode()) == shown


def test_a_renamed_convention_is_found_by_its_new_name(tenant_a, client_public):
    _event(tenant_a, "Alpha Con 2027")
    tenant_a.name = "Otterdelphia"
    tenant_a.save()  # undone with the test's transaction (and the object by the fixture)
    html = client_public.get("/", {"q": "otterdelph"}).content.decode()

    assert ">Alpha Con 2027</a>" in html
    assert ConventionListing.objects.get(tenant=tenant_a).convention_name == "Otterdelphia"


def test_past_a_thousand_matches_the_directory_says_more_and_stops_counting(
    client_public, monkeypatch
):
    monkeypatch.setattr("directory.views.COUNTED_AT_MOST", 30)
    _fake_tenants(31)

    first = client_public.get("/").content.decode()
    beyond = client_public.get("/", {"page": "9"}).content.decode()

    assert "More than 30 conventions" in first and "Page 1 of 2" in first
    assert "Page 2 of 2" in beyond and beyond.count(" Con</a></h3>") == 6


def test_the_directory_filters_by_the_month_a_convention_starts(client_public):
    next_month = (SOON.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    _listing("Soon Con", start=SOON)
    _listing("Later Con", start=next_month)

    html = client_public.get("/", {"month": next_month.strftime("%Y-%m")}).content.decode()

    assert ">Later Con</a>" in html and ">Soon Con</a>" not in html


def test_near_me_lists_conventions_within_the_radius_nearest_first(client_public):
    _listing("Philly Con", position=(39.9522, -75.1604))  # Philadelphia
    _listing("Jersey Con", position=(40.2206, -74.7597))  # Trenton, ~45 km
    _listing("Louisville Con", position=(38.2555, -85.7566))  # ~930 km
    _listing("Nowhere Con")  # no position: never "near"
    in_philadelphia = {"lat": "39.95", "lon": "-75.16", "radius": "250"}

    html = client_public.get("/", in_philadelphia).content.decode()
    wide = client_public.get("/", in_philadelphia | {"radius": "1000"}).content.decode()

    assert html.index(">Philly Con</a>") < html.index(">Jersey Con</a>")
    assert "Louisville Con" not in html and "Nowhere Con" not in html
    assert "0 km away" in html and "45 km away" in html
    assert ">Louisville Con</a>" in wide


def test_bad_filters_show_the_whole_directory(client_public):
    _listing("Otter Con")

    response = client_public.get("/", {"lat": "999", "lon": "x", "month": "2099-99", "page": "z"})

    assert response.status_code == 200
    assert ">Otter Con</a>" in response.content.decode()


def test_the_ical_feed_is_bounded_to_the_coming_year(client_public):
    _listing("Next Month Con", start=SOON)
    _listing("In Two Years Con", start=timezone.localdate() + dt.timedelta(days=730))

    body = client_public.get("/conventions.ics").content.decode()

    assert "SUMMARY:Next Month Con" in body
    assert "In Two Years Con" not in body
