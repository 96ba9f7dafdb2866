"""What the dashboard's own models hold, for the privacy registry (core/personal_data.py):
when a staff member last opened the home page, and the SIUSS code mapping; nothing about
households.

Figure snapshots hold the dashboards' counts (dashboard/figures.py), keyed by projects
and period: no row names or points to a person."""

from core.personal_data import not_personal, register
from dashboard.models import FigureSnapshot, HomeVisit, SiussCode

register(HomeVisit)

not_personal(
    SiussCode,
    reason="a code list for the Ambiti's information system, edited by the admin",
)

not_personal(
    FigureSnapshot,
    reason="the dashboards' aggregate counts per project and period, naming nobody",
)
