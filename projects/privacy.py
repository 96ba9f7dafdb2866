"""The projects' models hold no personal data (privacy registry, core/personal_data.py)."""

from core.personal_data import not_personal
from projects.models import EligibilityQuestion, Participation, PriorityRule, Project, Service

not_personal(Project, reason="a project of the network: its description and rules")
not_personal(Participation, reason="an organisation's role in a project")
not_personal(Service, reason="a service a project offers")
not_personal(PriorityRule, reason="a waiting-list criterion and its points")
not_personal(
    EligibilityQuestion, reason="a question of a project's intake (the answers are the referral's)"
)
