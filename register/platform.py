"""Registration's side of the app contract (midsummer/contract.py, docs/APPS.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from event.selectors import active_event
from midsummer.contract import (
    AdminTile,
    DemoConvention,
    HomeCard,
    NavLink,
    PeriodicWork,
    TenantAppContract,
)
from midsummer.formats import format_money
from register import demo
from register.charts import daily_bars
from register.payments import RegisterOrders
from register.selectors import (
    account_has_paid_registration,
    attendee_account_ids,
    next_hold_expiry,
    next_waitlist_offer_expiry,
    personal_data,
    registration_dashboard,
)
from register.services import person_anonymize, registrations_anonymize_after_event


class Contract(TenantAppContract):
    # How a scrambled sandbox copy replaces each personal column: deterministic (the same row
    # gives the same fake value every time) and obviously fake.
    scrambled_columns = {
        "register_registration": {
            "legal_name": "{first} || ' ' || {last}",
            "badge_name": "'Badge ' || id",
            "email": "'attendee' || id || '@sandbox.invalid'",
            "phone": "'+1 555 01' || lpad((id % 100)::text, 2, '0')",
            "emergency_contact": "'Emergency contact ' || id",
            # Same year (age rules still hold roughly), day and month from the hash.
            "birthdate": "make_date(extract(year FROM birthdate)::int, (1 + {h} % 12)::int, "
            "(1 + {h} % 28)::int)",
            "guardian_name": "CASE WHEN guardian_name = '' THEN '' ELSE 'Guardian ' || id END",
            "guardian_contact": "CASE WHEN guardian_contact = '' THEN '' "
            "ELSE 'guardian' || id || '@sandbox.invalid' END",
            # A real badge's QR code must not check anyone in here.
            "checkin_token": "md5(random()::text || id)",
        },
        "register_answer": {"value": "CASE WHEN value = '' THEN '' ELSE 'Answer ' || id END"},
        # Personal codes name their person; scrambled, they work for nobody in the sandbox.
        "register_discountcode": {
            "for_email": "CASE WHEN for_email = '' THEN '' "
            "ELSE 'code' || id || '@sandbox.invalid' END"
        },
        "register_banentry": {
            "name": "{first} || ' ' || {last}",
            "email": "CASE WHEN email = '' THEN '' ELSE 'banned' || id || '@sandbox.invalid' END",
            "birthdate": "make_date(extract(year FROM birthdate)::int, (1 + {h} % 12)::int, "
            "(1 + {h} % 28)::int)",
            "reason": "CASE WHEN reason = '' THEN '' ELSE 'Reason ' || id END",
            # The matching keys: the scrambled email's key exactly; a name key that matches no
            # real name (the scrambled name's words come from another hash).
            "name_key": "CASE WHEN name_key = '' THEN '' ELSE id || ' sandbox' END",
            "email_key": "CASE WHEN email_key = '' THEN '' "
            "ELSE 'banned' || id || '@sandbox.invalid' END",
        },
        "register_transfer": {"email": "'recipient' || id || '@sandbox.invalid'"},
        "register_waitlistentry": {"email": "'waiting' || id || '@sandbox.invalid'"},
        "register_order": {"provider_reference": "''"},
    }
    not_personal_columns = frozenset(
        {
            # Organizers' settings that happen to mention badge names.
            ("register_registrationsettings", "badge_name_edit_until"),
            ("register_registrationsettings", "badge_name_blocklist"),
            ("register_registrationsettings", "badge_name_max_length"),
        }
    )

    urls = "register.urls"
    url_prefix = "register/"
    event_pages = True
    machine_paths = ("stripe/webhook/",)
    served_event_relations = ("registration",)
    nav_links = (
        NavLink("register:start", _("Register"), order=10),
        NavLink("register:mine", _("My registrations"), order=20, needs_login=True),
    )
    home_cards = (HomeCard("register:mine", _("My registrations"), order=90, needs_login=True),)
    periodic = (
        PeriodicWork("register.release_expired_holds", next_due=next_hold_expiry),
        PeriodicWork("register.process_waitlists", next_due=next_waitlist_offer_expiry),
    )

    def copy_event(self, *, source: Any, target: Any, shift: Any, copied: Any) -> None:
        """Its settings, badge levels with their price tiers, add-ons and questions."""
        from event.copying import copy_rows
        from register.models import AddOn, BadgeLevel, PriceTier, Question, RegistrationSettings

        to_target = {"event": target}
        for model in (RegistrationSettings, BadgeLevel, AddOn, Question):
            rows = model.objects.filter(event=source).order_by("pk")
            copy_rows(rows, shift=shift, copied=copied, set_fields=to_target)
        tiers = PriceTier.objects.filter(level__event=source).order_by("pk")
        copy_rows(tiers, shift=shift, copied=copied)

    def admin_tiles(self, *, request: HttpRequest) -> list[AdminTile]:
        """Registrations today and in all, revenue, held and unpaid orders, the waiting list,
        places left per level and the last two weeks' sales — for those who may see orders."""
        if not request.user.has_perm("register.view_order"):
            return []
        event = active_event()
        if event is None:
            return []
        figures = registration_dashboard(event=event, now=timezone.now())
        orders = reverse("admin:register_order_changelist")
        tiles = [
            AdminTile(gettext("Registrations today"), str(figures.registrations_today), orders, 1),
            AdminTile(
                gettext("Registrations in all"),
                str(figures.registrations_total),
                reverse("admin:register_order_reports"),
                2,
            ),
            AdminTile(
                gettext("Revenue (less refunds)"),
                format_money(figures.revenue, figures.currency),
                reverse("admin:register_order_reports"),
                3,
            ),
            AdminTile(
                gettext("Orders held for review"),
                str(figures.held_orders),
                f"{orders}?status__exact=held",
                4,
            ),
            AdminTile(
                gettext("Unpaid orders holding places"),
                str(figures.pending_orders),
                f"{orders}?status__exact=pending",
                5,
            ),
            AdminTile(
                gettext("On the waiting list"),
                str(figures.waiting),
                reverse("admin:register_waitlistentry_changelist") + "?status__exact=waiting",
                6,
            ),
        ]
        tiles += [
            AdminTile(
                gettext("Places left: %(level)s") % {"level": p.level},
                ngettext("%(left)d of %(capacity)d", "%(left)d of %(capacity)d", p.capacity)
                % {"left": p.left, "capacity": p.capacity},
                reverse("admin:register_badgelevel_changelist"),
                7,
            )
            for p in figures.places
            if p.capacity is not None
        ]
        tiles.append(
            AdminTile(
                gettext("Paid registrations, last 14 days"),
                "",
                order=8,
                chart=daily_bars(
                    gettext("Paid registrations, last 14 days"),
                    figures.last_days,
                    nonce=getattr(request, "csp_nonce", ""),
                ),
            )
        )
        return tiles

    def personal_data(self, *, account) -> Any:
        data = personal_data(account_id=account.pk, proven_email=account.proven_email)
        return data if any(data.values()) else None

    def personal_data_erase(self, *, account) -> int:
        return person_anonymize(account=account)

    def anonymize_ended_events(self, *, days: int, today: dt.date) -> int:
        return registrations_anonymize_after_event(days=days, today=today)

    def account_is_attendee(self, *, account_id: int) -> bool:
        return account_has_paid_registration(account_id=account_id)

    def attendee_account_ids(self) -> set[int]:
        return attendee_account_ids()

    def seed_demo(self, convention: DemoConvention) -> None:
        demo.seed(convention)

    def payable_kinds(self) -> list[RegisterOrders]:
        return [RegisterOrders()]
