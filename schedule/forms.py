"""Input validation for the schedule's pages (the rules themselves live in services.py)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from event.models import Event
from schedule.models import MAX_DURATION_MINUTES, MIN_DURATION_MINUTES, Room, Submission, Track
from schedule.services import MAX_CO_PANELISTS, SubmissionInput
from schedule.timing import event_zone, programme_days

CO_PANELIST = re.compile(r"^\s*(?P<name>[^<]*?)\s*<(?P<email>[^>]+)>\s*$")
AVAILABILITY_LINE = re.compile(
    r"^\s*(?P<date>\d{4}-\d{2}-\d{2})\s+(?P<start>\d{1,2}:\d{2})\s*[-–]\s*(?P<end>\d{1,2}:\d{2})\s*$"
)


def _local(event: Event, date: dt.date, clock: str) -> dt.datetime:
    hours, minutes = (int(x) for x in clock.split(":"))
    if hours == 24 and minutes == 0:
        return dt.datetime.combine(
            date + dt.timedelta(days=1), dt.time(0), tzinfo=event_zone(event)
        )
    return dt.datetime.combine(date, dt.time(hours, minutes), tzinfo=event_zone(event))


class SubmissionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}))
    duration = forms.IntegerField(
        label=_("Length in minutes"),
        min_value=MIN_DURATION_MINUTES,
        max_value=MAX_DURATION_MINUTES,
        initial=50,
    )
    format = forms.ChoiceField(label=_("Format"), choices=Submission.Format.choices)
    track = forms.ModelChoiceField(label=_("Track"), queryset=Track.objects.none(), required=False)
    content_rating = forms.ChoiceField(
        label=_("Content rating"), choices=Submission.ContentRating.choices
    )
    recording_ok = forms.BooleanField(
        label=_("You may record and publish this session"), required=False
    )
    tech_needs = forms.CharField(
        label=_("Technical needs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Projector, microphones, accessibility needs …"),
    )
    public_name = forms.CharField(label=_("Your name on the programme"), max_length=200)
    biography = forms.CharField(
        label=_("About you"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    co_panelists = forms.CharField(
        label=_("Co-panelists"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line as: Name <email@example.org>. Each confirms by mail."),
    )
    availability = forms.CharField(
        label=_("When you can be on"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One window per line on the event's clocks, e.g. 2027-03-28 10:00-18:00. "
            "Leave empty if any time suits you."
        ),
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["track"].queryset = Track.objects.filter(event=event)  # type: ignore[attr-defined]
        dates = ", ".join(day.date.isoformat() for day in programme_days(event))
        self.fields["availability"].help_text = (
            str(self.fields["availability"].help_text)
            + " "
            + str(_("Event days: %(dates)s.") % {"dates": dates})
        )

    def clean_co_panelists(self) -> tuple[tuple[str, str], ...]:
        people = []
        for number, line in enumerate(self.cleaned_data["co_panelists"].splitlines(), start=1):
            if not line.strip():
                continue
            match = CO_PANELIST.match(line)
            if match is None:
                raise ValidationError(
                    _("Line %(n)d: write Name <email@example.org>.") % {"n": number}
                )
            people.append((match["name"], match["email"].strip()))
        if len(people) > MAX_CO_PANELISTS:
            raise ValidationError(_("At most %(n)d co-panelists.") % {"n": MAX_CO_PANELISTS})
        return tuple(people)

    def clean_availability(self) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
        windows = []
        for number, line in enumerate(self.cleaned_data["availability"].splitlines(), start=1):
            if not line.strip():
                continue
            match = AVAILABILITY_LINE.match(line)
            if match is None:
                raise ValidationError(
                    _("Line %(n)d: write a date and two times, e.g. 2027-03-28 10:00-18:00.")
                    % {"n": number}
                )
            try:
                date = dt.date.fromisoformat(match["date"])
                start = _local(self.event, date, match["start"])
                end = _local(self.event, date, match["end"])
            except ValueError as error:
                raise ValidationError(
                    _("Line %(n)d: not a real date or time.") % {"n": number}
                ) from error
            if end <= start:
                end += dt.timedelta(days=1)  # e.g. 20:00-02:00: into the night
            windows.append((start, end))
        return tuple(windows)

    def to_input(self) -> SubmissionInput:
        data = self.cleaned_data
        return SubmissionInput(
            title=data["title"],
            description=data["description"],
            duration=data["duration"],
            format=data["format"],
            content_rating=data["content_rating"],
            recording_ok=data["recording_ok"],
            public_name=data["public_name"],
            track_id=data["track"].pk if data["track"] else None,
            tech_needs=data["tech_needs"],
            biography=data["biography"],
            co_panelists=data["co_panelists"],
            availability=data["availability"],
        )


class ReviewForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Score"), coerce=int, choices=[(n, str(n)) for n in range(1, 6)]
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Submission.Status.ACCEPTED, _("Accept")),
            (Submission.Status.WAITLISTED, _("Waitlist")),
            (Submission.Status.DECLINED, _("Decline")),
        ],
    )
    expected_attendance = forms.IntegerField(
        label=_("Expected attendance"), min_value=0, required=False
    )


class PlacementForm(forms.Form):
    submission = forms.IntegerField(widget=forms.HiddenInput)
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none())
    start = forms.DateTimeField(
        label=_("Start (event time)"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    accept_warnings = forms.BooleanField(label=_("Place it anyway"), required=False)

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["room"].queryset = Room.objects.filter(event=event)  # type: ignore[attr-defined]

    def clean_start(self) -> dt.datetime:
        # The clock on the form is the event's, whatever the server's or browser's zone.
        start: dt.datetime = self.cleaned_data["start"]
        return start.replace(tzinfo=None).replace(tzinfo=event_zone(self.event))


class ReleaseForm(forms.Form):
    comment = forms.CharField(
        label=_("What changed (shown with the version)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Schedule file (CSV or XLSX)"),
        help_text=_(
            "Columns: Session Title, Date, Time Start, Time End, Room/Location, and optionally "
            "Schedule Track, Description, Presenters."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > 5 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 5 MB."))
        return upload
