"""What the notifications models hold, for the privacy registry (core/personal_data.py).

They are about staff accounts, never about households: a notification and an e-mail say
what kind of thing happened and how many, with a link; names, health, violence and diary
text never enter them (notifications/services.py, tested in tests/notifications)."""

from core.personal_data import not_personal, register
from notifications.models import (
    EmailPreference,
    KnownBrowser,
    Notification,
    OutgoingEmail,
    ScheduledRun,
)

STAFF = "about a staff member's account, purged with it; never about a household"

register(
    OutgoingEmail,
    keep={
        "purpose": "a choice",
        "kind": "a choice",
        "subject": "what kind of thing happened and how many: no name, no household data",
        "body": "what kind of thing happened and how many, with a link: no household data",
        "status": "a choice",
        "last_error": "the mail server's answer with addresses removed",
    },
)
register(
    Notification,
    keep={
        "kind": "a choice",
        "detail": "a short code shown only in the app to its recipient, never a name",
        "link": "a path inside the application, whose page checks access again",
        "key": "a technical key that makes a reminder come once",
    },
)
register(EmailPreference, keep={"kind": STAFF, "delivery": STAFF})
register(KnownBrowser, keep={"token_hash": "a hash of a random cookie, " + STAFF})
not_personal(ScheduledRun, reason="which daily job ran on which day")
