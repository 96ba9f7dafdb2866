"""The waiting list's priority, computed so that every point can be explained.

A household's score is the sum of: the points of each of the project's own priority
rules it meets (projects.PriorityRule), the points of its referral's urgency, and one
point for every full week on the list. Ties go to whoever entered the list first.

The same score is written twice: in Python (`priority_of`, which explains each point on
the rows a page shows) and in SQL (`ranked`, which orders the whole list in the
database, so a page reads only its own rows). tests/beneficiaries/test_priority.py holds
them equal.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.models import Household, Person, Referral, Vulnerability, years_before
from core.dates import DaysBetween
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


# The same rules in SQL, on WaitingListEntry rows ----------------------------------------


def _criterion_q(criterion: str, today: datetime.date) -> Q:
    """The condition of `meets` on a waiting-list entry's household."""
    members = Person.objects.filter(household=OuterRef("household_id"))
    adult_by = years_before(today, 18)  # born on or before: 18 or older today
    minors = Exists(members.filter(birth_date__gt=adult_by))

    def has(kind):
        return Exists(Vulnerability.objects.filter(household=OuterRef("household_id"), kind=kind))

    match criterion:
        case Criterion.WOMAN_WITH_CHILDREN:
            return Q(minors) & Q(
                Exists(members.filter(birth_date__lte=adult_by, sex=Person.Sex.FEMALE))
            )
        case Criterion.CHILDREN_UNDER_3:
            return Q(Exists(members.filter(birth_date__gt=years_before(today, 3))))
        case Criterion.SINGLE_PARENT:
            return Q(has(Vulnerability.Kind.SINGLE_PARENT)) | (Q(minors) & Q(_adults=1))
        case Criterion.DISABILITY:
            return Q(has(Vulnerability.Kind.DISABILITY))
        case Criterion.DOMESTIC_VIOLENCE:
            return Q(has(Vulnerability.Kind.DOMESTIC_VIOLENCE))
        case Criterion.EVICTION:
            return Q(has(Vulnerability.Kind.EVICTION)) | Q(
                household__living_situation=Household.LivingSituation.EVICTION
            )
        case Criterion.HOMELESS:
            return Q(has(Vulnerability.Kind.HOMELESS)) | Q(
                household__living_situation=Household.LivingSituation.HOMELESS
            )
    return Q(pk__in=[])


def ranked(entries: QuerySet, *, rules, today=None) -> QuerySet:
    """`entries` (WaitingListEntry rows) with their score as `priority_score`, in the
    list's order: highest score first, then who entered first."""
    today = today or timezone.localdate()
    adults = (
        Person.objects.filter(
            household=OuterRef("household_id"), birth_date__lte=years_before(today, 18)
        )
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    score = Case(
        *(
            When(referral__urgency=urgency, then=Value(points))
            for urgency, points in Referral.URGENCY_POINTS.items()
        ),
        default=Value(0),
        output_field=IntegerField(),
    ) + Greatest(DaysBetween(F("added_on"), Value(today)) / Value(7), Value(0))
    for rule in rules:
        score = score + Case(
            When(_criterion_q(rule.criterion, today), then=Value(rule.points)),
            default=Value(0),
            output_field=IntegerField(),
        )
    return (
        entries.annotate(_adults=Coalesce(Subquery(adults, output_field=IntegerField()), 0))
        .annotate(priority_score=score)
        .order_by("-priority_score", "added_on", "pk")
    )
