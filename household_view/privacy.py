"""What the household view's models hold, for the privacy registry (core/personal_data.py).

An access, the member's messages and its self-ratings are the household's personal data:
they go into the person's export under the case, only for whom may open the case, and
erasure deletes them (nothing of them is kept for statistics: the dashboard never counts
them)."""

from django.db.models import Q

from beneficiaries.models import Case
from core.personal_data import DELETE, register
from household_view.models import HouseholdAccess, MemberMessage, SelfAssessment


def _visible_cases(access):
    return Q(case__in=Case.objects.filter(access.cases_q()))


register(
    HouseholdAccess,
    section="accessi_il_mio_percorso",
    within="case",
    person="person",
    household="case__household",
    scope=_visible_cases,
    export=[
        ("componente", "person"),
        ("creato_il", "issued_at"),
        ("aperto_il", "opened_at"),
        ("ultimo_uso", "last_used_at"),
        ("lingua", "language"),
        ("revocato_il", "revoked_at"),
    ],
    # The digests of the link and the phone's key, and the PIN's hash, go with the row.
    erase=DELETE,
)

register(
    MemberMessage,
    section="messaggi_dal_nucleo",
    within="case",
    person="access__person",
    household="case__household",
    scope=_visible_cases,
    export=[("inviato_il", "sent_at"), ("messaggio", "text"), ("consenso", "consent")],
    erase=DELETE,
)

register(
    SelfAssessment,
    section="autovalutazioni",
    within="case",
    person="person",
    household="case__household",
    scope=_visible_cases,
    export=[("il", "taken_at"), ("livelli", "levels")],
    erase=DELETE,
)
