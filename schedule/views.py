"""The schedule's pages: the public programme and its exports and feeds, the call for panels,
and the programming team's review, planning and release pages. Thin: each checks permission,
validates a form, calls a selector or one service, renders."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import View

from event.models import Event
from event.selectors import active_event
from schedule import exports
from schedule.cache import cached, current_release_id
from schedule.forms import (
    DecisionForm,
    ImportForm,
    PlacementForm,
    ReleaseForm,
    ReviewForm,
    SubmissionForm,
)
from schedule.grid import day_grid, layout_stylesheet
from schedule.importer import read_table, rows_from_table
from schedule.models import Release, ReleasedSession, Submission
from schedule.selectors import (
    favourite_submission_ids,
    feed_key_by_token,
    now_and_next,
    panel_submission_ids,
    panelist_by_invite_token,
    panelist_of_account,
    release_of_version,
    released_session,
    released_sessions,
    releases,
    rooms_of,
    sessions_by_day,
    sessions_of_speaker,
    sessions_with_ids,
    submission_of_account,
    submissions_for_review,
    submissions_of_account,
    track_colours,
    unplaced_sessions,
    wip_slots,
    wip_warnings,
)
from schedule.services import (
    PlacementNeedsConfirmationError,
    copanelist_respond,
    favourite_toggle,
    feed_key_ensure,
    panelist_confirm_attendance,
    release_create,
    review_save,
    schedule_import,
    slot_place,
    slot_remove,
    submission_create,
    submission_decide,
    submission_withdraw,
    warning_accept,
)
from schedule.timing import local, programme_date, programme_days
from tenant.backends import acting_account
from tenant.current import current_site_url
from tenant.exports import csv_writer


def _event_or_404() -> Event:
    event = active_event()
    if event is None:
        raise Http404(_("No event is on the programme yet."))
    return event


def _release_or_404(event: Event) -> Release:
    release_id = current_release_id(event=event)
    if release_id is None:
        raise Http404(_("The programme has not been published yet."))
    return Release(pk=release_id, event=event)


def _day_param(request: HttpRequest, event: Event) -> dt.date:
    days = programme_days(event)
    try:
        wanted = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        today = programme_date(timezone.now(), event)
        wanted = today if days[0].date <= today <= days[-1].date else days[0].date
    return wanted if days[0].date <= wanted <= days[-1].date else days[0].date


def _room_param(request: HttpRequest) -> int | None:
    try:
        return int(request.GET["room"])
    except (KeyError, ValueError):
        return None


# --- the public programme -----------------------------------------------------------------------
class ProgrammeView(View):
    """The released programme of one day, as a grid (rooms as columns) or a list, filtered by
    track or room. The rendered programme is cached per release and language."""

    def get(self, request: HttpRequest) -> HttpResponse:
        event = _event_or_404()
        release_id = current_release_id(event=event)
        if release_id is None:
            # A page people reach from the navigation (next year's, months ahead): it says so,
            # and is not an error. Exports and feeds of an unreleased programme stay 404s.
            return render(request, "schedule/unreleased.html", {"event": event})
        view = "list" if request.GET.get("view") == "list" else "grid"
        day = _day_param(request, event)
        track = request.GET.get("track", "")[:100]
        room = _room_param(request)
        parts = f"programme:{translation.get_language()}:{view}:{day}:{track}:{room}"

        def build() -> str:
            release = Release.objects.get(pk=release_id)
            sessions = list(released_sessions(release=release, track=track, room=room))
            everything = list(released_sessions(release=release))
            context = _programme_context(event, release, sessions, everything, day, view)
            context |= {"track": track, "room": room}
            return render_to_string("schedule/_programme.html", context, request=None)

        favourites = sessions_with_ids(
            release=Release(pk=release_id, event=event),
            submission_ids=favourite_submission_ids(account_id=request.user.pk),
        )
        return render(
            request,
            "schedule/programme.html",
            {
                "event": event,
                "programme": cached(release_id, parts, build),
                "favourite_codes": [s.code for s in favourites],
            },
        )


def _programme_context(
    event: Event,
    release: Release,
    sessions: list[ReleasedSession],
    everything: list[ReleasedSession],
    day: dt.date,
    view: str,
) -> dict[str, Any]:
    days = sessions_by_day(event=event, sessions=sessions)
    this_day = next(d for d in days if d.day.date == day)
    rooms: dict[int, tuple[int, str]] = {}
    tracks: dict[str, tuple[str, str]] = {}
    for s in everything:
        rooms.setdefault(s.room_id, (s.room_position, s.room_name))
        if s.track_slug:
            tracks.setdefault(s.track_slug, (s.track_name, s.track_colour))
    room_columns = [(rid, name) for rid, (_pos, name) in sorted(rooms.items(), key=lambda r: r[1])]
    used = {s.room_id for s in this_day.sessions}
    grid = day_grid(
        event=event,
        day=this_day.day,
        rooms=[r for r in room_columns if r[0] in used] or room_columns,
        entries=[(s, s.room_id, s.start, s.duration) for s in this_day.sessions],
    )
    return {
        "event": event,
        "release": release,
        "days": days,
        "day": this_day,
        "grid": grid,
        "view": view,
        "rooms": room_columns,
        "tracks": sorted(tracks.items(), key=lambda t: t[1][0]),
        "tz": event.timezone,
    }


class SessionView(View):
    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        event = _event_or_404()
        release = _release_or_404(event)
        session = released_session(release=release, code=code)
        if session is None:
            raise Http404(_("No such session in the programme."))
        favourite = session.submission_id in favourite_submission_ids(account_id=request.user.pk)
        return render(
            request,
            "schedule/session.html",
            {
                "event": event,
                "session": session,
                "end": exports.session_end(session),
                "favourite": favourite,
                "tz": event.timezone,
            },
        )


class FavouriteToggleView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        event = _event_or_404()
        session = released_session(release=_release_or_404(event), code=code)
        if session is None:
            raise Http404(_("No such session in the programme."))
        favourite_toggle(account_id=acting_account(request).pk, submission_id=session.submission_id)
        return redirect("schedule:session", code=code)


class SpeakerView(View):
    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        event = _event_or_404()
        sessions = list(sessions_of_speaker(release=_release_or_404(event), code=code))
        if not sessions:
            raise Http404(_("No such panelist in the programme."))
        person = next(p for p in sessions[0].speakers if p["code"] == code)
        return render(
            request,
            "schedule/speaker.html",
            {"event": event, "person": person, "sessions": sessions, "tz": event.timezone},
        )


class NowView(View):
    """Now and next, for the hall screens (refreshes itself every minute)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        event = _event_or_404()
        now = timezone.now()
        running, upcoming = now_and_next(release=_release_or_404(event), now=now)
        return render(
            request,
            "schedule/now.html",
            {
                "event": event,
                "running": [(s, exports.session_end(s)) for s in running],
                "upcoming": upcoming,
                "now": now,
                "tz": event.timezone,
            },
        )


class VersionsView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        event = _event_or_404()
        return render(
            request,
            "schedule/versions.html",
            {"event": event, "releases": list(releases(event=event)), "tz": event.timezone},
        )


class VersionView(View):
    """An earlier (or the current) version, as it was released."""

    def get(self, request: HttpRequest, version: int) -> HttpResponse:
        event = _event_or_404()
        release = release_of_version(event=event, version=version)
        if release is None:
            raise Http404(_("No such version."))
        return render(
            request,
            "schedule/version.html",
            {
                "event": event,
                "release": release,
                "days": sessions_by_day(event=event, sessions=released_sessions(release=release)),
                "tz": event.timezone,
            },
        )


class MyProgrammeView(LoginRequiredMixin, View):
    """My favourites and my panels, with my personal calendar feeds."""

    def get(self, request: HttpRequest) -> HttpResponse:
        event = _event_or_404()
        release_id = current_release_id(event=event)
        favourites: list[ReleasedSession] = []
        panels: list[ReleasedSession] = []
        if release_id is not None:
            release = Release(pk=release_id, event=event)
            favourites = sessions_with_ids(
                release=release, submission_ids=favourite_submission_ids(account_id=request.user.pk)
            )
            panels = sessions_with_ids(
                release=release,
                submission_ids=panel_submission_ids(event=event, account_id=request.user.pk),
            )
        token = feed_key_ensure(account_id=acting_account(request).pk)
        feeds = {
            name: current_site_url() + reverse(f"schedule:feed-{name}", kwargs={"token": token})
            for name in ("favourites", "panels")
        }
        return render(
            request,
            "schedule/mine.html",
            {
                "event": event,
                "favourites": favourites,
                "panels": panels,
                "feeds": feeds,
                "tz": event.timezone,
            },
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        feed_key_ensure(account_id=acting_account(request).pk, renew=True)
        messages.success(request, _("New feed links made; the old ones no longer work."))
        return redirect("schedule:mine")


# --- exports and feeds (stable URLs, served from the cache) -------------------------------------
def _export(request: HttpRequest, what: str, content_type: str, filename: str) -> HttpResponse:
    event = _event_or_404()
    release = _release_or_404(event)
    site = current_site_url()

    def build() -> bytes:
        sessions = list(released_sessions(release=Release.objects.get(pk=release.pk)))
        full = Release.objects.get(pk=release.pk)
        if what == "xml":
            return exports.schedule_xml(event=event, release=full, sessions=sessions, site_url=site)
        if what == "json":
            document = exports.schedule_json(
                event=event, release=full, sessions=sessions, site_url=site
            )
            return json.dumps(document, ensure_ascii=False, indent=1).encode()
        if what == "xcal":
            return exports.schedule_xcal(
                event=event, sessions=sessions, name=event.name, site_url=site
            )
        if what == "ics":
            return exports.schedule_ical(
                event=event, sessions=sessions, name=event.name, site_url=site
            )
        return exports.programme_csv(event=event, sessions=sessions).encode("utf-8-sig")

    response = HttpResponse(
        cached(release.pk, f"export:{what}:{site}", build), content_type=content_type
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


class ScheduleXmlView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return _export(request, "xml", "application/xml; charset=utf-8", "schedule.xml")


class ScheduleJsonView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return _export(request, "json", "application/json; charset=utf-8", "schedule.json")


class ScheduleXcalView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return _export(request, "xcal", "application/calendar+xml; charset=utf-8", "schedule.xcal")


class ScheduleIcalView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return _export(request, "ics", "text/calendar; charset=utf-8", "schedule.ics")


class ProgrammeCsvView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return _export(request, "csv", "text/csv; charset=utf-8", "programme.csv")


def _ical_response(event: Event, sessions: list[ReleasedSession], name: str) -> HttpResponse:
    body = exports.schedule_ical(
        event=event, sessions=sessions, name=name, site_url=current_site_url()
    )
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


class TrackIcalView(View):
    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        event = _event_or_404()
        release = _release_or_404(event)

        def build() -> bytes:
            sessions = list(released_sessions(release=release, track=slug))
            if not sessions:
                return b""
            name = f"{event.name}: {sessions[0].track_name}"
            return exports.schedule_ical(
                event=event, sessions=sessions, name=name, site_url=current_site_url()
            )

        body = cached(release.pk, f"export:track:{slug}:{current_site_url()}", build)
        if not body:
            raise Http404(_("No such track in the programme."))
        return HttpResponse(body, content_type="text/calendar; charset=utf-8")


class PersonalFeedView(View):
    """``favourites`` or ``panels`` of the person whose token this is, at this convention."""

    which = "favourites"

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        event = _event_or_404()
        key = feed_key_by_token(token=token)
        if key is None:
            raise Http404(_("This feed link is not valid (any more)."))
        release_id = current_release_id(event=event)
        sessions: list[ReleasedSession] = []
        if release_id is not None:
            ids = (
                favourite_submission_ids(account_id=key.account_id)
                if self.which == "favourites"
                else panel_submission_ids(event=event, account_id=key.account_id)
            )
            sessions = sessions_with_ids(
                release=Release(pk=release_id, event=event), submission_ids=ids
            )
        label = _("My favourites") if self.which == "favourites" else _("My panels")
        return _ical_response(event, sessions, f"{event.name}: {label}")


# --- the call for panels ------------------------------------------------------------------------
class SubmitView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        event = _event_or_404()
        form = SubmissionForm(
            event=event, initial={"public_name": acting_account(request).full_name}
        )
        return render(request, "schedule/submit.html", {"event": event, "form": form})

    def post(self, request: HttpRequest) -> HttpResponse:
        event = _event_or_404()
        form = SubmissionForm(request.POST, event=event)
        context = {"event": event, "form": form}
        if not form.is_valid():
            return render(request, "schedule/submit.html", context, status=400)
        try:
            submission = submission_create(
                event=event,
                account_id=acting_account(request).pk,
                email=acting_account(request).email,
                data=form.to_input(),
            )
        except ValidationError as error:
            context["errors"] = error.messages
            return render(request, "schedule/submit.html", context, status=400)
        messages.success(request, _("Thank you! Your submission is in."))
        return redirect("schedule:submission", code=submission.code)


class MySubmissionsView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        event = _event_or_404()
        submissions = submissions_of_account(event=event, account_id=acting_account(request).pk)
        return render(
            request, "schedule/submissions.html", {"event": event, "submissions": submissions}
        )


class SubmissionView(LoginRequiredMixin, View):
    def _submission(self, request: HttpRequest, code: str) -> Submission:
        submission = submission_of_account(code=code, account_id=acting_account(request).pk)
        if submission is None:
            raise Http404(_("No such submission of yours."))
        return submission

    def get(
        self, request: HttpRequest, code: str, errors: list[str] | None = None, status: int = 200
    ) -> HttpResponse:
        submission = self._submission(request, code)
        context = {
            "event": submission.event,
            "submission": submission,
            "me": panelist_of_account(submission=submission, account_id=acting_account(request).pk),
            "errors": errors or [],
            "tz": submission.event.timezone,
        }
        return render(request, "schedule/submission.html", context, status=status)

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        submission = self._submission(request, code)
        try:
            if request.POST.get("action") == "withdraw":
                submission_withdraw(submission=submission, account_id=acting_account(request).pk)
            else:
                panelist_confirm_attendance(
                    submission=submission, account_id=acting_account(request).pk
                )
        except ValidationError as error:
            return self.get(request, code, errors=error.messages, status=400)
        return redirect("schedule:submission", code=code)


class InvitationView(LoginRequiredMixin, View):
    """A co-panelist's personal link: confirm or decline, logged in."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        panelist = panelist_by_invite_token(token=token)
        if panelist is None:
            raise Http404(_("This invitation is not valid (any more)."))
        return render(request, "schedule/invitation.html", {"panelist": panelist})

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            panelist = copanelist_respond(
                token=token,
                account_id=acting_account(request).pk,
                accept=request.POST.get("answer") == "yes",
            )
        except ValidationError as error:
            raise Http404(" ".join(error.messages)) from error
        if panelist.status == panelist.Status.CONFIRMED:
            return redirect("schedule:submission", code=panelist.submission.code)
        messages.info(request, _("You declined the invitation."))
        return redirect("schedule:programme")


# --- the programming team -----------------------------------------------------------------------
class ManageView(PermissionRequiredMixin, View):
    """Submissions with their scores: reviewers score, the programming lead decides."""

    permission_required = "schedule.view_submission"

    def get(
        self, request: HttpRequest, errors: list[str] | None = None, status: int = 200
    ) -> HttpResponse:
        event = _event_or_404()
        context = {
            "event": event,
            "submissions": submissions_for_review(
                event=event, reviewer_id=acting_account(request).pk
            ),
            "can_review": request.user.has_perm("schedule.review_submission"),
            "can_decide": request.user.has_perm("schedule.decide_submission"),
            "can_plan": request.user.has_perm("schedule.plan_schedule"),
            "review_form": ReviewForm(),
            "decision_form": DecisionForm(),
            "errors": errors or [],
        }
        return render(request, "schedule/manage/submissions.html", context, status=status)


class SubmissionsCsvView(PermissionRequiredMixin, View):
    """The submissions report: one row each with its status, scores and panelists."""

    permission_required = "schedule.view_submission"

    def get(self, request: HttpRequest) -> HttpResponse:
        event = _event_or_404()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="submissions.csv"'
        response.write("\ufeff")
        writer = csv_writer(response)
        writer.writerow(SUBMISSIONS_CSV_COLUMNS)
        for s in submissions_for_review(event=event, reviewer_id=acting_account(request).pk):
            average = getattr(s, "average_score", None)  # annotated by the selector
            writer.writerow(
                [
                    s.code,
                    s.title,
                    s.status,
                    s.format,
                    s.track.name if s.track else "",
                    s.duration,
                    f"{average:.2f}" if average is not None else "",
                    getattr(s, "review_count", 0),
                    "; ".join(p.speaker.name for p in s.panelists.all()),
                    s.content_rating,
                    "yes" if s.recording_ok else "no",
                    s.expected_attendance,
                    s.tech_needs,
                ]
            )
        return response


SUBMISSIONS_CSV_COLUMNS = [
    "Code",
    "Title",
    "Status",
    "Format",
    "Track",
    "Minutes",
    "Average score",
    "Reviews",
    "Panelists",
    "Rating",
    "Recording",
    "Expected attendance",
    "Technical needs",
]


def _event_submission(event: Event, code: str) -> Submission:
    submission = Submission.objects.filter(event=event, code=code).first()
    if submission is None:
        raise Http404(_("No such submission."))
    return submission


class ReviewView(PermissionRequiredMixin, View):
    permission_required = "schedule.review_submission"

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        event = _event_or_404()
        submission = _event_submission(event, code)
        form = ReviewForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(form.errors.get_json_data())
            review_save(
                submission=submission,
                reviewer_id=acting_account(request).pk,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            return ManageView().get(request, errors=_messages(error), status=400)
        return redirect(reverse("schedule:manage") + f"#sub-{code}")


class DecideView(PermissionRequiredMixin, View):
    permission_required = "schedule.decide_submission"

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        event = _event_or_404()
        submission = _event_submission(event, code)
        form = DecisionForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(form.errors.get_json_data())
            submission_decide(
                submission_id=submission.pk,
                status=form.cleaned_data["status"],
                expected_attendance=form.cleaned_data["expected_attendance"],
            )
        except ValidationError as error:
            return ManageView().get(request, errors=_messages(error), status=400)
        return redirect(reverse("schedule:manage") + f"#sub-{code}")


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        found = []
        for field, items in error.error_dict.items():
            for item in items:
                for message in item.messages if isinstance(item, ValidationError) else [item]:
                    text = message["message"] if isinstance(message, dict) else str(message)
                    found.append(text if field == "__all__" else f"{field}: {text}")
        return found
    return list(error.messages)


class PlanView(PermissionRequiredMixin, View):
    """The grid editor: one day's rooms and times, the sessions still to place, warnings."""

    permission_required = "schedule.plan_schedule"

    def get(
        self,
        request: HttpRequest,
        *,
        form: PlacementForm | None = None,
        pending: list[Any] | None = None,
        errors: list[str] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        event = _event_or_404()
        day = _day_param(request, event)
        days = programme_days(event)
        this_day = next(d for d in days if d.date == day)
        slots = [s for s in wip_slots(event=event) if this_day.contains(s.start)]
        rooms = [(r.pk, r.name) for r in rooms_of(event=event)]
        grid = day_grid(
            event=event,
            day=this_day,
            rooms=rooms,
            entries=[(s, s.room_id, s.start, s.submission.duration) for s in slots],
        )
        context = {
            "event": event,
            "days": days,
            "day": this_day,
            "grid": grid,
            "unplaced": unplaced_sessions(event=event),
            "warnings": wip_warnings(event=event),
            "form": form or PlacementForm(event=event, initial=_placement_initial(request, slots)),
            "pending": pending or [],
            "errors": errors or [],
            "tz": event.timezone,
            "can_release": request.user.has_perm("schedule.release_schedule"),
        }
        return render(request, "schedule/manage/plan.html", context, status=status)

    def post(self, request: HttpRequest) -> HttpResponse:
        event = _event_or_404()
        action = request.POST.get("action", "place")
        back = reverse("schedule:manage-plan") + f"?day={_day_param(request, event)}"
        try:
            if action == "remove":
                slot_remove(event=event, submission_id=int(request.POST.get("submission", 0)))
                return redirect(back)
            if action == "accept":
                warning_accept(event=event, key=request.POST.get("key", ""))
                return redirect(back)
        except (ValidationError, ValueError) as error:
            messages_ = error.messages if isinstance(error, ValidationError) else [str(error)]
            return self.get(request, errors=messages_, status=400)
        form = PlacementForm(request.POST, event=event)
        if not form.is_valid():
            return self.get(request, form=form, status=400)
        try:
            slot_place(
                event=event,
                submission_id=form.cleaned_data["submission"],
                room_id=form.cleaned_data["room"].pk,
                start=form.cleaned_data["start"],
                accept_warnings=form.cleaned_data["accept_warnings"],
            )
        except PlacementNeedsConfirmationError as pending:
            return self.get(request, form=form, pending=pending.warnings, status=409)
        except ValidationError as error:
            return self.get(request, form=form, errors=_messages(error), status=400)
        day = programme_date(form.cleaned_data["start"], event)
        return redirect(reverse("schedule:manage-plan") + f"?day={day}")


def _placement_initial(request: HttpRequest, slots: list[Any]) -> dict[str, Any]:
    """A session picked on the grid: its room and time, to move it from there."""
    picked = request.GET.get("session", "")
    for slot in slots:
        if str(slot.submission_id) == picked:
            start = local(slot.start, slot.submission.event)
            return {"room": slot.room_id, "start": start.strftime("%Y-%m-%dT%H:%M")}
    return {}


class ReleaseView(PermissionRequiredMixin, View):
    permission_required = "schedule.release_schedule"

    def get(
        self, request: HttpRequest, errors: list[str] | None = None, status: int = 200
    ) -> HttpResponse:
        event = _event_or_404()
        context = {
            "event": event,
            "form": ReleaseForm(),
            "warnings": [w for w in wip_warnings(event=event) if not w.accepted],
            "releases": list(releases(event=event)),
            "errors": errors or [],
            "tz": event.timezone,
        }
        return render(request, "schedule/manage/release.html", context, status=status)

    def post(self, request: HttpRequest) -> HttpResponse:
        event = _event_or_404()
        form = ReleaseForm(request.POST)
        if not form.is_valid():
            return self.get(request, status=400)
        try:
            release = release_create(
                event=event, by_id=request.user.pk, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            return self.get(request, errors=error.messages, status=400)
        messages.success(request, _("Version %(n)d is public.") % {"n": release.version})
        return redirect("schedule:manage-release")


class ImportView(PermissionRequiredMixin, View):
    permission_required = "schedule.plan_schedule"

    def get(
        self,
        request: HttpRequest,
        form: ImportForm | None = None,
        errors: list[str] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        event = _event_or_404()
        context = {"event": event, "form": form or ImportForm(), "errors": errors or []}
        return render(request, "schedule/manage/import.html", context, status=status)

    def post(self, request: HttpRequest) -> HttpResponse:
        event = _event_or_404()
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.get(request, form=form, status=400)
        upload = form.cleaned_data["file"]
        try:
            rows = rows_from_table(
                event=event, table=read_table(name=upload.name, content=upload.read())
            )
            count = schedule_import(event=event, rows=rows)
        except ValidationError as error:
            return self.get(request, form=form, errors=error.messages, status=400)
        messages.success(
            request, _("%(n)d sessions imported into the work in progress.") % {"n": count}
        )
        return redirect("schedule:manage-plan")


class LayoutStylesheetView(View):
    """The grid's placement classes and this convention's track colours, as a stylesheet: the
    Content-Security-Policy refuses style attributes. Public, like the programme."""

    def get(self, request: HttpRequest) -> HttpResponse:
        event = active_event()
        colours = track_colours(event=event) if event is not None else []
        response = HttpResponse(layout_stylesheet(colours=colours), content_type="text/css")
        response["Cache-Control"] = "public, max-age=300"
        return response
