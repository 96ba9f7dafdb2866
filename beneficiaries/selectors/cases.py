"""Reads of cases: the caseload, a case the user may see, the cases whose pathway the user
works on (casework), and who is told about a case. Scoped through the access object
(core/access.py)."""

from __future__ import annotations

from django.db import connection
from django.db.models import (
    QuerySet,
)

from beneficiaries.models import (
    Case,
    CaseAssignment,
)
from beneficiaries.selectors import households as households_selectors
from beneficiaries.selectors.households import (
    _members_prefetch,
    visible_cases,
)
from core.access import CASEWORK_ROLES, access_for, accesses_for
from core.shortcuts import get_or_404
from partners.models import StaffMembership
from users.models import User

Role = StaffMembership.Role


def assignable_workers(*, organisations) -> QuerySet[User]:
    """Social workers and coordinators, active, with an active membership of one of
    `organisations` (Organisation rows or a queryset of their ids): whom a case held by
    one of them may be assigned to. Unordered: each caller orders as it shows them."""
    return User.objects.filter(
        is_active=True,
        staff_memberships__organisation__in=organisations,
        staff_memberships__role__in=CASEWORK_ROLES,
        staff_memberships__is_active=True,
    ).distinct()


def caseload(*, user, searching: bool = False) -> QuerySet[Case]:
    """The cases a user works on, with what the caseload list shows.

    On PostgreSQL each case is tested row by row (`visible_case_rows`) while the list
    walks its index in order (case_caseload_order) and stops at the page, or at the
    count's cap: a worker's organisation holds 23,000 cases at national size, which the
    UNION of `visible_cases` computed whole to show 25 (the page 496 -> 308 ms p50).
    `searching` by name or codice fiscale, the set is quicker (533 against 670 ms: few
    rows match, and the walk in order reads far to find them); on SQLite too, which runs
    the row test's EXISTS row by row."""
    cases = (
        households_selectors.visible_case_rows(user=user)
        if connection.vendor == "postgresql" and not searching
        else visible_cases(user=user)
    )
    return (
        cases.select_related("household", "project", "holding_organisation")
        .prefetch_related(_members_prefetch(), "workers")
        .order_by("closed_on", "-opened_on", "-pk")
    )


def case_for_user(*, user, public_id) -> Case:
    return get_or_404(
        households_selectors.visible_case_rows(user=user).select_related(
            "household", "project", "holding_organisation"
        ),
        public_id=public_id,
    )


def casework_cases(*, user) -> QuerySet[Case]:
    """The cases whose pathway the user may read: visible to them in the scoping layer,
    and theirs as casework (held by their organisation as social worker or coordinator,
    coordinated by them, or assigned to them)."""
    if not access_for(user).may_do_casework():
        return Case.objects.none()
    return households_selectors.visible_cases(user=user)


def case_for_casework(*, user, public_id) -> Case:
    """A case and what its pathway pages show at the top, or 404."""
    # As casework_cases, tested on the one row looked up.
    cases = (
        households_selectors.visible_case_rows(user=user)
        if access_for(user).may_do_casework()
        else Case.objects.none()
    )
    return get_or_404(
        cases.select_related("household", "project", "holding_organisation", "exit"),
        public_id=public_id,
    )


def my_cases(*, user) -> QuerySet[Case]:
    """The caseload of "La mia giornata": the cases a social worker is assigned to; for a
    coordinator, every case they may follow."""
    cases = casework_cases(user=user)
    if access_for(user).is_coordinator:
        return cases
    if not access_for(user).may_do_casework():
        return Case.objects.none()
    # The cases assigned to the user, all of them visible to the user (cases_q counts
    # the assignment): read from the assignments alone, without the set of every case
    # of the user's organisation.
    return Case.objects.filter(
        pk__in=CaseAssignment.objects.filter(worker_id=user.pk).values("case_id")
    )


def case_notification_recipients(case: Case, workers) -> list:
    """Of the `workers` just assigned to `case`, those whose access object lets them
    see it (told a case was opened for them or assigned to them)."""
    workers = [worker for worker in workers if worker.is_active]
    if not workers:
        return []
    assigned = set(CaseAssignment.objects.filter(case=case).values_list("worker_id", flat=True))
    return [
        worker
        for worker, access in zip(workers, accesses_for(workers), strict=True)
        if access.may_see_case(case, assigned)
    ]


def earlier_cases(*, user, household, excluding_referral=None) -> tuple[list[Case], int]:
    """The cases the household already had in the network (a return), oldest first:
    those the user may see, with their project, dates and exit; and how many more exist
    that the user may not see (of those only that they exist is told). Two queries."""
    cases = Case.objects.filter(household=household)
    if excluding_referral is not None:
        cases = cases.exclude(referral=excluding_referral)
    shown = list(
        cases.filter(access_for(user).cases_q())
        .select_related("project", "holding_organisation", "exit")
        .order_by("opened_on", "pk")
    )
    hidden = cases.count() - len(shown)
    return shown, hidden


def returning_households(*, household_ids, excluding_referrals) -> set[int]:
    """Of `household_ids`, those with a case in the network not opened from one of
    `excluding_referrals` (the waiting list marks them as returns). One query; says only
    that an earlier case exists, nothing of it."""
    return set(
        Case.objects.filter(household_id__in=household_ids)
        .exclude(referral_id__in=excluding_referrals)
        .values_list("household_id", flat=True)
    )
