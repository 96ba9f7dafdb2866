"""What the partners' models hold of people, for the privacy registry
(core/personal_data.py)."""

from core.personal_data import not_personal, register
from partners.models import Organisation, OrganisationMembership, StaffMembership

not_personal(
    Organisation,
    reason="organisations are legal persons; their codes, addresses and contacts are "
    "public registry data, not a natural person's",
)
not_personal(OrganisationMembership, reason="one organisation belonging to another")
register(
    StaffMembership,
    keep={
        "role": "a choice: the staff member's role, which the access rules read",
        "job_title": "a staff member's job title, managed in the admin with their account "
        "(users.User), never part of a household's export",
    },
)
