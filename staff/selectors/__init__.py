"""Every read of the staffing app (import from ``staff.selectors``):

- ``authority``  who manages which department (the one place the roles are checked)
- ``board``      the shift board, a volunteer's shifts, hours and rewards
- ``heads``      coverage, at-risk, sign-in sheets, reports
- ``desk``       applications to decide, the clock-in desk, staff awaiting a comped badge
"""

from staff.selectors.authority import (
    headed_department_ids,
    is_staffing_lead,
    managed_departments,
    may_manage,
)
from staff.selectors.board import (
    Hours,
    RewardProgress,
    departments_of,
    hours_of,
    jobs_on_board,
    reward_progress,
    shifts_of_volunteer,
    volunteer_by_feed_token,
    volunteer_of_account,
)
from staff.selectors.desk import (
    clock_desk_shifts,
    open_applications,
    staff_awaiting_badges,
    staff_badge_levels,
    staff_badges_given,
)
from staff.selectors.heads import (
    HourCoverage,
    PersonHours,
    at_risk_jobs,
    coverage_by_hour,
    hours_report,
    managed_jobs,
    sign_in_sheet,
)

__all__ = [
    "clock_desk_shifts",
    "open_applications",
    "staff_awaiting_badges",
    "staff_badge_levels",
    "staff_badges_given",
    "HourCoverage",
    "Hours",
    "PersonHours",
    "RewardProgress",
    "at_risk_jobs",
    "coverage_by_hour",
    "departments_of",
    "headed_department_ids",
    "hours_of",
    "hours_report",
    "is_staffing_lead",
    "jobs_on_board",
    "managed_departments",
    "managed_jobs",
    "may_manage",
    "reward_progress",
    "shifts_of_volunteer",
    "sign_in_sheet",
    "volunteer_by_feed_token",
    "volunteer_of_account",
]
