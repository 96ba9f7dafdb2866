"""What beneficiaries shows on pages of the apps above it (core/panels.py): on the
household's own view, its next appointments — only what the household may know (kind,
when, where, whether an interpreter is booked: never the staff's notes nor who else
comes), from `selectors.appointments.upcoming_for_household`."""

from __future__ import annotations

from beneficiaries.selectors import appointments as appointment_selectors
from core import panels

HOUSEHOLD_VIEW_LIMIT = 5


@panels.register(panels.HOUSEHOLD_VIEW)
def next_appointments(*, user, member_access, case):
    return panels.Panel(
        "beneficiaries/appointment_household_panel.html",
        {
            "appointments": appointment_selectors.upcoming_for_household(
                case.household, limit=HOUSEHOLD_VIEW_LIMIT
            )
        },
    )
