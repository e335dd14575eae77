"""The schedule's side of the app contract (midsummer/contract.py, docs/APPS.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from event.selectors import active_event
from midsummer.contract import AdminTile, DemoConvention, HomeCard, NavLink, TenantAppContract
from schedule import demo
from schedule.selectors import latest_release, personal_submissions, submission_counts
from schedule.services import person_erase

if TYPE_CHECKING:
    from django.http import HttpRequest

    from tenant.models import User


class Contract(TenantAppContract):
    scrambled_columns = {
        "schedule_speaker": {
            "name": "{first} || ' ' || {last}",
            "email": "'speaker' || id || '@sandbox.invalid'",
            "biography": "CASE WHEN biography = '' THEN '' ELSE 'Biography ' || id END",
        },
        # Frozen copies carry the names as released; a sandbox shows fake ones.
        "schedule_releasedsession": {"speakers": "'[]'::jsonb"},
        "schedule_panelist": {"invite_token_hash": "''"},
        "schedule_calendarfeedkey": {"salt": "md5(random()::text || id)"},
    }

    urls = "schedule.urls"
    url_prefix = "schedule/"
    event_pages = True
    # Apps and calendars read these; layout.css is the programme page's own stylesheet.
    machine_paths = ("export/", "feeds/", "layout.css")
    nav_links = (NavLink("schedule:programme", _("Programme"), order=30),)
    home_cards = (
        HomeCard("schedule:programme", _("Programme"), order=30),
        HomeCard("schedule:submit", _("Submit a panel"), order=60, needs_login=True),
    )

    def personal_data(self, *, account: User) -> Any:
        speakers = personal_submissions(account_id=account.pk, email=account.email)
        data = [
            {
                "name": s.name,
                "email": s.email,
                "biography": s.biography,
                "panels": [
                    {
                        "title": p.submission.title,
                        "status": p.submission.status,
                        "panelist_status": p.status,
                        "availability": [
                            [w.start.isoformat(), w.end.isoformat()]
                            for w in p.submission.availabilities.all()
                        ],
                    }
                    for p in s.panels.all()
                ],
            }
            for s in speakers
        ]
        return data or None

    def personal_data_erase(self, *, account: User) -> int:
        return person_erase(account_id=account.pk, email=account.email)

    def admin_tiles(self, *, request: HttpRequest) -> list[AdminTile]:
        if not request.user.has_perm("schedule.view_submission"):
            return []
        event = active_event()
        if event is None:
            return []
        counts = submission_counts(event=event)
        release = latest_release(event=event)
        return [
            AdminTile(
                label=_("Panel submissions to decide"),
                value=str(counts.get("submitted", 0)),
                url=reverse("schedule:manage"),
                order=40,
            ),
            AdminTile(
                label=_("Schedule version released"),
                value=str(release.version) if release else "—",
                url=reverse("schedule:manage-plan"),
                order=41,
            ),
        ]

    def seed_demo(self, convention: DemoConvention) -> None:
        demo.seed(convention)
