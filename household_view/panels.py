"""What the household view shows on the workers' pages of beneficiaries (core/panels.py):
on the case page, who has access to the household's view; on the assessments page, the
member's own rating beside the worker's latest assessment."""

from __future__ import annotations

from beneficiaries import autonomy
from core import panels
from core.access import access_for

from . import selectors


@panels.register(panels.CASE)
def household_accesses(*, user, case):
    access = access_for(user)
    if not access.may_see_household_accesses(case):
        return None
    # One query: who may give an access is asked on the accesses page itself.
    accesses = list(selectors.accesses_of(case=case))
    active = [a for a in accesses if a.revoked_at is None and a.is_active()]
    return panels.Panel(
        "household_view/_case_panel.html",
        {"case": case, "active": active, "count": len(accesses)},
    )


@panels.register(panels.ASSESSMENTS)
def self_assessment_beside(*, user, case, assessments=()):
    """The member's latest self-rating and the worker's latest assessment, domain by
    domain; None when the household has not rated itself."""
    rating = selectors.latest_self_assessment(case=case)
    if rating is None:
        return None
    latest = assessments[-1] if assessments else None
    worker_levels = {s.domain: s.level for s in latest.scores.all()} if latest else {}
    rows = [
        {
            "domain": domain.label,
            "worker": worker_levels.get(domain.value),
            "member": rating.levels.get(domain.value),
            "member_name": autonomy.LEVEL_NAMES.get(rating.levels.get(domain.value)),
        }
        for domain in autonomy.DOMAINS
    ]
    return panels.Panel(
        "household_view/_self_assessment_panel.html",
        {"rating": rating, "latest": latest, "rows": rows},
    )
