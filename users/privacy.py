"""The staff accounts, for the privacy registry (core/personal_data.py)."""

from core.personal_data import register
from users.models import User

STAFF = (
    "a staff member's account, managed by the admin; it is not about the households "
    "and ends when the admin deletes or deactivates the account"
)

register(
    User,
    keep={
        "username": STAFF,
        "first_name": STAFF,
        "last_name": STAFF,
        "email": STAFF,
        "password": "a salted hash, never shown",
    },
)
