"""Links in mails sent without a request (Celery) carry the configured port, so they work under
`make run` (port 8000) and stay port-less in production."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from event.services import event_generate_properties
from register.services import order_mark_paid, order_place, order_refund, waitlist_join
from tenant.selectors import site_url_for
from tests.factories.event import EventFactory
from tests.factories.register import BadgeLevelFactory, attendee
from tests.factories.tenant import UserFactory
from tests.processes import PRODUCTION_ENV, manage


@pytest.mark.parametrize(
    ("debug", "port", "expected"),
    [
        (True, 8022, "http://alpha.localhost:8022"),
        (True, 0, "http://alpha.localhost"),
        (True, 80, "http://alpha.localhost"),
        (False, 0, "https://alpha.localhost"),
        (False, 443, "https://alpha.localhost"),
        (False, 8443, "https://alpha.localhost:8443"),
    ],
)
def test_site_url_for_uses_scheme_and_port_setting(settings, debug, port, expected):
    settings.DEBUG, settings.SITE_LINK_PORT = debug, port

    assert site_url_for(host="alpha.localhost") == expected


def test_waitlist_offer_mail_sent_by_the_task_links_to_the_configured_port(
    tenant_a, settings, django_capture_on_commit_callbacks
):
    settings.DEBUG, settings.SITE_LINK_PORT = True, 8022
    with tenant_context(tenant_a):
        event = EventFactory(is_active=True, start_date=dt.date(2031, 7, 1))
        event_generate_properties(event=event)
        level = BadgeLevelFactory(event=event, price=Decimal("60.00"), capacity=1)
        order = order_place(
            event=event, account=UserFactory(), provider="simulated", attendees=[attendee(level)]
        )
        order_mark_paid(order_id=order.pk, amount=order.total)
        waitlist_join(event=event, level_id=level.pk, account=UserFactory(email="w@example.org"))
        mail.outbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            order_refund(order_id=order.pk, amount=order.total)  # queues register.process_waitlists

    [message] = mail.outbox
    link = rf"http://alpha\.localhost:8022/{event.slug}/register/offer/[\w-]+/"
    assert re.search(link, message.body)


def test_site_link_port_defaults_to_none_in_production():
    code = "from django.conf import settings; print(settings.SITE_LINK_PORT)"

    production = manage("shell", "-c", code, env=PRODUCTION_ENV)
    dev = manage("shell", "-c", code, env=PRODUCTION_ENV | {"MIDSUMMER_DEV": "1"})

    assert production.stdout.split()[-1] == "0", production.stderr
    assert dev.stdout.split()[-1] == "8000", dev.stderr
