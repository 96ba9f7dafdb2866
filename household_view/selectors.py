"""Reads of the household view. The member's side reads only its own household,
starting from its access (never from an id in the address); the workers' side reads
through the beneficiaries selectors, scoped to the user."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from beneficiaries.models import Action, Consent, Goal, LifeDomain, Review, SupportPlan
from beneficiaries.selectors.households import valid_consents_q
from core import panels
from housing.models import Placement
from housing.selectors import with_balances

from . import services
from .models import HouseholdAccess, MemberMessage, SelfAssessment

# Dates shown as "coming" this many days before they fall.
DEADLINE_DAYS = 90


def member_access(request) -> HouseholdAccess | None:
    """The access of the member whose session this is, if it still works; a session
    whose access has ended is ended too."""
    pk = request.session.get(services.ACCESS_SESSION_KEY)
    if pk is None:
        return None
    granted = (
        HouseholdAccess.objects.select_related("case__household", "case__project", "person")
        .filter(pk=pk)
        .first()
    )
    if granted is None or not granted.is_active():
        services.end_session(request)
        return None
    return granted


@dataclass
class Deadline:
    kind: str  # "isee" or "permit"
    on: datetime.date
    expired: bool


@dataclass
class MyPathway:
    plan: SupportPlan | None
    goals: list = field(default_factory=list)  # [(goal, [actions])]
    next_review: datetime.date | None = None
    deadlines: list[Deadline] = field(default_factory=list)
    placement: Placement | None = None
    consents: list = field(default_factory=list)
    asked_consents: set = field(default_factory=set)
    panels: list = field(default_factory=list)


def _shared_goals(plan: SupportPlan) -> list:
    """Goals and open actions the worker shares with the household. Health goals never:
    health is a special category (GDPR art. 9), and another adult member may read."""
    actions = Action.objects.filter(
        visible_to_household=True, status__in=Action.OPEN_STATUSES
    ).select_related("responsible_worker", "responsible_person", "responsible_organisation")
    goals = (
        Goal.objects.filter(plan=plan, visible_to_household=True)
        .exclude(domain=LifeDomain.HEALTH)
        .prefetch_related(Prefetch("actions", queryset=actions.order_by("due_on", "pk")))
        .order_by("status", "created_at", "pk")
    )
    return [(goal, list(goal.actions.all())) for goal in goals]


def my_pathway(*, member: HouseholdAccess, today: datetime.date | None = None) -> MyPathway:
    """What the member's main page shows, all of its own household and case."""
    today = today or timezone.localdate()
    case = member.case
    household = case.household
    plan = SupportPlan.objects.filter(case=case).first()
    page = MyPathway(plan=plan)
    if plan is not None:
        page.goals = _shared_goals(plan)
        page.next_review = (
            Review.objects.filter(plan=plan, held_on__isnull=True, scheduled_on__gte=today)
            .order_by("scheduled_on")
            .values_list("scheduled_on", flat=True)
            .first()
        )
    horizon = today + datetime.timedelta(days=DEADLINE_DAYS)
    if household.isee_expires_on and household.isee_expires_on <= horizon:
        page.deadlines.append(
            Deadline("isee", household.isee_expires_on, household.isee_expires_on < today)
        )
    # The member's own permit only: other members' documents are theirs.
    permit = member.person.residence_permit_expires_on
    if permit and permit <= horizon:
        page.deadlines.append(Deadline("permit", permit, permit < today))
    page.placement = (
        with_balances(
            Placement.objects.filter(case=case, start_date__lte=today).filter(
                Q(end_date__isnull=True) | Q(end_date__gte=today)
            ),
            today=today,
        )
        .order_by("-start_date")
        .first()
    )
    page.consents = list(
        Consent.objects.filter(valid_consents_q(today), household=household)
        .prefetch_related("organisations")
        .order_by("purpose", "-given_on")
    )
    page.asked_consents = set(
        MemberMessage.objects.filter(case=case, consent__isnull=False).values_list(
            "consent_id", flat=True
        )
    )
    page.panels = panels.panels_for(
        panels.HOUSEHOLD_VIEW, user=None, member_access=member, case=case
    )
    return page


def amount_due(placement: Placement | None) -> Decimal:
    if placement is None:
        return Decimal("0")
    return max(placement.overdue, Decimal("0"))


def latest_self_assessment(*, case) -> SelfAssessment | None:
    return (
        SelfAssessment.objects.filter(case=case)
        .select_related("person")
        .order_by("-taken_at", "-pk")
        .first()
    )


# The workers' side ---------------------------------------------------------------------


def accesses_of(*, case):
    """The accesses of a case (the case came through a casework selector)."""
    return (
        HouseholdAccess.objects.filter(case=case)
        .select_related("person", "issued_by", "revoked_by")
        .order_by("-issued_at", "-pk")
    )


def access_of_case(*, case, public_id) -> HouseholdAccess:
    return get_object_or_404(accesses_of(case=case), public_id=public_id)


def messages_of(*, case):
    return (
        MemberMessage.objects.filter(case=case)
        .select_related("access__person", "consent")
        .order_by("-sent_at", "-pk")
    )
