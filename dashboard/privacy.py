"""What the dashboard's own model holds, for the privacy registry (core/personal_data.py):
when a staff member last opened the home page; nothing about households."""

from core.personal_data import register
from dashboard.models import HomeVisit

register(HomeVisit)
