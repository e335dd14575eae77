"""Every write of the staffing app, by capability (import from ``staff.services``):

- ``people``  applications, acceptance into departments, heads, roles, feed links, erasure
- ``jobs``    jobs one at a time or from a template; moving a job
- ``shifts``  sign-up, drop, swap, assign, worked/no-show, clock-in/out (the rules)
- ``mail``    decisions on applications, shift changes and reminders
"""

from staff.services.jobs import job_create, job_move, jobs_generate
from staff.services.mail import (
    application_send_decided,
    shift_send_changed,
    shifts_send_reminders,
)
from staff.services.people import (
    applicant_accept,
    applicant_decline,
    feed_token,
    feed_token_ensure,
    person_erase,
    role_grant,
    volunteer_accept,
    volunteer_apply,
    volunteer_comp_badge,
    volunteer_decline,
)
from staff.services.shifts import (
    drop_cutoff,
    drop_cutoff_hours,
    shift_assign,
    shift_clock_in,
    shift_clock_out,
    shift_drop,
    shift_mark,
    shift_sign_up,
    shift_swap,
)

__all__ = [
    "applicant_accept",
    "applicant_decline",
    "application_send_decided",
    "drop_cutoff",
    "drop_cutoff_hours",
    "feed_token",
    "feed_token_ensure",
    "job_create",
    "job_move",
    "jobs_generate",
    "person_erase",
    "role_grant",
    "shift_assign",
    "shift_clock_in",
    "shift_clock_out",
    "shift_drop",
    "shift_mark",
    "shift_send_changed",
    "shift_sign_up",
    "shift_swap",
    "shifts_send_reminders",
    "volunteer_accept",
    "volunteer_comp_badge",
    "volunteer_apply",
    "volunteer_decline",
]
