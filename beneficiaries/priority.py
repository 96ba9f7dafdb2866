"""The waiting list's priority, computed so that every point can be explained.

A household's score is the sum of: the points of each of the project's own priority
rules it meets (projects.PriorityRule), the points of its referral's urgency, and one
point for every full week on the list. Ties go to whoever entered the list first.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.models import Household, Person, Referral, Vulnerability
from projects.models import PriorityRule

Criterion = PriorityRule.Criterion


def meets(criterion: str, household: Household, today: datetime.date) -> bool:
    members = list(household.members.all())
    kinds = {v.kind for v in household.vulnerabilities.all()}
    minors = [p for p in members if p.is_minor(today)]
    adults = [p for p in members if not p.is_minor(today)]
    match criterion:
        case Criterion.WOMAN_WITH_CHILDREN:
            return bool(minors) and any(p.sex == Person.Sex.FEMALE for p in adults)
        case Criterion.CHILDREN_UNDER_3:
            return any(p.age(today) < 3 for p in members)
        case Criterion.SINGLE_PARENT:
            return Vulnerability.Kind.SINGLE_PARENT in kinds or (len(adults) == 1 and bool(minors))
        case Criterion.DISABILITY:
            return Vulnerability.Kind.DISABILITY in kinds
        case Criterion.DOMESTIC_VIOLENCE:
            return Vulnerability.Kind.DOMESTIC_VIOLENCE in kinds
        case Criterion.EVICTION:
            return (
                Vulnerability.Kind.EVICTION in kinds
                or household.living_situation == Household.LivingSituation.EVICTION
            )
        case Criterion.HOMELESS:
            return (
                Vulnerability.Kind.HOMELESS in kinds
                or household.living_situation == Household.LivingSituation.HOMELESS
            )
    return False


@dataclass
class PriorityLine:
    label: str
    points: int


@dataclass
class Priority:
    lines: list[PriorityLine] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(line.points for line in self.lines)


def priority_of(
    *, household: Household, referral: Referral, rules, waiting_since: datetime.date, today=None
) -> Priority:
    today = today or timezone.localdate()
    priority = Priority()
    for rule in rules:
        if meets(rule.criterion, household, today):
            priority.lines.append(PriorityLine(rule.get_criterion_display(), rule.points))
    urgency_points = Referral.URGENCY_POINTS[referral.urgency]
    priority.lines.append(
        PriorityLine(
            _("Urgenza: %(urgency)s") % {"urgency": referral.get_urgency_display()},
            urgency_points,
        )
    )
    weeks = max((today - waiting_since).days // 7, 0)
    priority.lines.append(PriorityLine(_("Attesa: %(weeks)d settimane") % {"weeks": weeks}, weeks))
    return priority
