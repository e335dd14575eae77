"""The door's demo data (``seed_demo``): a desk operator, twelve attendees with paid badges, a
check-in history over the morning, printed and unprinted badges, a scanner device and level
colours. Idempotent: a convention whose event has check-ins keeps its door."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from event.selectors import active_event
from kiosk.models import BadgeLayout, CheckIn, Device
from kiosk.services import checkin_redeem, print_job_finish, print_job_request, print_job_take
from midsummer.contract import DemoConvention
from register.models import BadgeLevel, Order, Registration
from register.services import AttendeeInput, order_mark_paid, order_place
from tenant.models import Membership, User
from tenant.roles import Role
from tenant.services import membership_grant, user_create

DEMO_PASSWORD = "midsummer-demo"  # noqa: S105 - the demo's printed credentials, dev mode only
PEOPLE = [
    ("Robin Fox", "Robin"),
    ("Kai Otter", "Otterly"),
    ("Sam Lynx", "Lynxie"),
    ("Mika Wolf", "Howl"),
    ("Jo Raccoon", "Trash Panda"),
    ("Ari Hare", "Hoppy"),
    ("Lee Crow", "Corvid"),
    ("Noa Deer", "Fawn"),
    ("Eli Badger", "Badge"),
    ("Tam Seal", "Splash"),
    ("Vic Moth", "Lamp"),
    ("Uma Crane", "Origami"),
]
COLOURS = ["#1d4ed8", "#facc15", "#b91c1c", "#16a34a", "#7c3aed"]


def _account(email: str, name: str) -> User:
    return User.objects.filter(email=email).first() or user_create(
        email=email, password=DEMO_PASSWORD, full_name=name
    )


def seed(demo: DemoConvention) -> None:
    event = active_event()
    level = BadgeLevel.objects.filter(event=event).order_by("sort_order", "pk").first()
    if event is None or level is None or CheckIn.objects.filter(event=event).exists():
        return
    desk = _account(f"desk@{demo.host}", f"{demo.name} Door Desk")
    membership_grant(user=desk, tenant=demo.tenant)
    Membership.objects.filter(user=desk, tenant=demo.tenant).update(roles=[Role.KIOSK_OPERATOR])
    Device.objects.get_or_create(name="Door scanner 1")
    for i, each in enumerate(BadgeLevel.objects.filter(event=event)):
        BadgeLayout.objects.get_or_create(level=each, defaults={"colour": COLOURS[i % 5]})

    badges: list[Registration] = []
    for n, (legal_name, badge_name) in enumerate(PEOPLE):
        first = legal_name.split()[0].lower()
        account = _account(f"{first}@{demo.key}.localhost", legal_name)
        order = order_place(
            event=event,
            account=account,
            attendees=[
                AttendeeInput(
                    level_id=level.pk,
                    legal_name=legal_name,
                    badge_name=badge_name,
                    birthdate=dt.date(1990 + n, 1 + n % 12, 1 + n),
                    email=account.email,
                    phone=f"+1 215 555 01{n:02d}",
                    emergency_contact="Front desk +1 215 555 0199",
                )
            ],
            provider=Order.Provider.DOOR,
        )
        order = order_mark_paid(order_id=order.pk, amount=order.total, note="Demo")
        badges.extend(order.registrations.all())

    # The first eight came in this morning, at two desks; the first five have printed badges,
    # three more wait in the print queue.
    now = timezone.now()
    for n, badge in enumerate(badges[:8]):
        result = checkin_redeem(
            event=event,
            secret=badge.checkin_token,
            nonce=f"demo-{demo.key}-{badge.pk}",
            desk=f"Desk {1 + n % 2}",
            scanned_at=now - dt.timedelta(minutes=90 - 10 * n),
        )
        if result.checkin is not None:
            CheckIn.objects.filter(pk=result.checkin.pk).update(
                created_at=now - dt.timedelta(minutes=90 - 10 * n)
            )
    for badge in badges[:8]:
        print_job_request(registration=badge, requested_by_id=desk.pk)
    for _ in range(5):
        job = print_job_take(station="Print 1")
        if job is not None:
            print_job_finish(job_id=job.pk, printed=True)
