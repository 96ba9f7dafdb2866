"""Core's models and the third-party ones, for the privacy registry
(core/personal_data.py)."""

from django.apps import apps

from core.models import AuditEvent, SecurityEvent, TwoFactorActivation
from core.personal_data import not_personal, register


def _cleared_changes(event, number):
    # Who changed which field when stays; the values do not.
    return {name: [None, None] for name in event.changes}


register(
    AuditEvent,
    section="storico_dei_trattamenti",
    household="household",
    # An event goes into a person's export with the row it is about, never alone.
    refers_to=("model_label", "object_id"),
    export=[("quando", "at"), ("azione", "action"), ("dato", "model_label"), ("chi", "actor")],
    erase={"changes": _cleared_changes, "object_repr": lambda event, number: event.model_label},
    keep={
        "action": "a choice: what was done",
        "model_label": "the kind of record, no personal data",
        "object_id": "the id of the record, no personal data",
    },
    order=["at", "id"],
)

SECURITY_LOG = (
    "the security log is about how staff use their access (GDPR art. 32): kept for its "
    "own retention period and purged by purge_security_log, never part of a household's "
    "export"
)
register(
    SecurityEvent,
    keep={
        "kind": "a choice: what happened",
        "username": SECURITY_LOG,
        "user_agent": SECURITY_LOG,
        "path": SECURITY_LOG,
        "details": SECURITY_LOG + "; it names records by their opaque public ids only",
    },
)

# Third-party models: personal data of staff (logins, second factors, sessions), kept
# by the libraries for their purpose, or none at all.

LOGIN_LOG = (
    "django-axes' record of logins and failed logins (staff, or whoever tried): the "
    "lockout needs it; the security log's retention applies"
)
AXES_FIELDS = ("user_agent", "username", "http_accept", "path_info")


def _optional(label):
    try:
        return apps.get_model(label)
    except LookupError:  # an app not installed in this configuration
        return None


for label, extra in (
    ("axes.AccessAttempt", ("get_data", "post_data")),
    ("axes.AccessLog", ("session_hash",)),
    ("axes.AccessFailureLog", ()),
):
    if model := _optional(label):
        register(model, keep=dict.fromkeys(AXES_FIELDS + extra, LOGIN_LOG))
if model := _optional("axes.AccessAttemptExpiration"):
    not_personal(model, reason="when a lockout ends")

SECOND_FACTOR = (
    "a staff member's second factor (core/two_factor.py): secret keys and recovery codes, "
    "deleted with the device"
)
register(
    TwoFactorActivation,
    keep={
        "code_hash": SECOND_FACTOR
        + "; only the hash of a one-time activation code, deleted with the account"
    },
)
if model := _optional("otp_totp.TOTPDevice"):
    register(model, keep=dict.fromkeys(("name", "key"), SECOND_FACTOR))
if model := _optional("otp_static.StaticDevice"):
    register(model, keep=dict.fromkeys(("name",), SECOND_FACTOR))
if model := _optional("otp_static.StaticToken"):
    register(model, keep=dict.fromkeys(("token",), SECOND_FACTOR))
if model := _optional("sessions.Session"):
    register(
        model,
        keep={
            "session_key": "the login session of a staff member, expires by itself",
            "session_data": "the login session of a staff member, expires by itself",
        },
    )
if model := _optional("admin.LogEntry"):
    register(
        model,
        keep=dict.fromkeys(
            ("object_id", "object_repr", "change_message"),
            "the admin's own history of edits to organisations, projects, housing and "
            "accounts (the households' models are not in the admin)",
        ),
    )
for label, reason in (
    ("auth.Group", "groups of permissions"),
    ("auth.Permission", "permissions"),
    ("contenttypes.ContentType", "the list of models"),
    (
        "django_tasks_database.DBTaskResult",
        "the background task queue: task names and the ids of rows they work on (an "
        "e-mail of the outbox), never household data",
    ),
):
    if model := _optional(label):
        not_personal(model, reason=reason)
