"""What the dashboard's own models hold, for the privacy registry (core/personal_data.py):
when a staff member last opened the home page, and the SIUSS code mapping; nothing about
households."""

from core.personal_data import not_personal, register
from dashboard.models import HomeVisit, SiussCode

register(HomeVisit)

not_personal(
    SiussCode,
    reason="a code list for the Ambiti's information system, edited by the admin",
)
