"""The refusals of the staffing rules. Each carries a message that says what to do and the
HTTP status a page answers it with (4xx, never 500)."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class ShiftRefusedError(ValidationError):
    """A sign-up, drop, swap or assignment refused by a rule; nothing was written."""

    status_code = 400


class JobFullError(ShiftRefusedError):
    status_code = 409


class ShiftOverlapError(ShiftRefusedError):
    status_code = 409


class MissingRoleError(ShiftRefusedError):
    status_code = 403


class NotAllowedError(ShiftRefusedError):
    status_code = 403


class TooManyHoursError(ShiftRefusedError):
    status_code = 409


class ShiftInPastError(ShiftRefusedError):
    status_code = 400


class DropCutoffError(ShiftRefusedError):
    status_code = 400
