"""Reads of the coordinators' caseloads page: who works on which open cases, per worker
and per project, and which of them need attention.

Built on the scoping layer: the cases come from beneficiaries.selectors.households.visible_cases,
narrowed to those whose workers the coordinator may assign (the cases of the projects
they coordinate and those held by the organisation they coordinate: the same rule as
beneficiaries.selectors.can_assign_workers). Every count is an aggregate of the
database; the page makes a fixed number of queries whatever the size of the caseload.

Two flags, with the same meaning as in "La mia giornata" (support_selectors.my_day):
- an overdue review: a review of the plan scheduled before today and not yet held;
- a household not contacted for 30 days: no diary entry of its case, nor a group or
  community activity it took part in, for more than 30 days (counted from the opening
  of the case when there is none).
"""

from __future__ import annotations

import datetime

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from beneficiaries.models import Case, CaseAssignment, Review
from beneficiaries.selectors import cases as cases_selectors
from beneficiaries.selectors import pathway as pathway_selectors
from beneficiaries.selectors.households import reference_name
from core.access import access_for
from dashboard.selectors.my_day import ARREARS_DAYS, NO_CONTACT_DAYS
from housing import selectors as housing_selectors
from housing.models import Placement
from partners.models import Organisation, StaffMembership
from projects.models import Project
from users.models import User

Role = StaffMembership.Role


def caseload_cases(*, user) -> QuerySet[Case]:
    """The open cases whose workers the user may assign."""
    access = access_for(user)
    if not access.may_see_dashboards():
        return Case.objects.none()
    # Each part of assignable_cases_q (a project the user coordinates, a case held by an
    # organisation they coordinate for) is a part of the cases they may see
    # (Access.cases_q): the filter alone, without the UNION of every visible case, which
    # PostgreSQL computed first (tens of thousands at national size) for each of the
    # page's queries. tests/dashboard/test_caseloads.py holds the two equal.
    return Case.objects.filter(access.assignable_cases_q(), closed_on__isnull=True)


def _case_ref(path: str):
    return OuterRef(f"{path}pk") if not path else OuterRef(f"{path}id")


def _overdue_reviews(path: str, today: datetime.date) -> Subquery:
    return Coalesce(
        Subquery(
            Review.objects.filter(
                plan__case_id=_case_ref(path), held_on__isnull=True, scheduled_on__lt=today
            )
            .values("plan__case_id")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def no_contact_cutoff(today: datetime.date) -> datetime.date:
    return today - datetime.timedelta(days=NO_CONTACT_DAYS)


def with_flags(cases: QuerySet[Case], *, today: datetime.date) -> QuerySet[Case]:
    """The cases with what the caseload table shows: the reference person's name, the
    number of overdue reviews, the last contact and the day since which it is quiet."""
    _last, quiet_since = pathway_selectors.last_contact("")
    return (
        cases.select_related("project", "holding_organisation")
        .prefetch_related(Prefetch("workers", queryset=User.objects.order_by("last_name")))
        .annotate(
            household_name=reference_name(OuterRef("household_id")),
            overdue_reviews=_overdue_reviews("", today),
            quiet_since=quiet_since,
        )
    )


def flagged_q(today: datetime.date) -> Q:
    """Cases that need attention: an overdue review or a quiet household."""
    return Q(overdue_reviews__gt=0) | Q(quiet_since__lt=no_contact_cutoff(today))


def per_worker(*, user, today: datetime.date | None = None, workers=None) -> list[dict]:
    """One row per worker: open cases, cases with overdue reviews, quiet households.
    Workers of the user's organisations without cases are listed too, with zeros, so a
    coordinator sees who has room. `workers`: only these (a page of filterable_workers,
    in its order); all of filterable_workers otherwise. Two queries."""
    today = today or timezone.localdate()
    workers = list(filterable_workers(user=user) if workers is None else workers)
    _last, quiet_since = pathway_selectors.last_contact("case__")
    rows = (
        CaseAssignment.objects.filter(
            case__in=caseload_cases(user=user), worker_id__in=[worker.pk for worker in workers]
        )
        .annotate(overdue=_overdue_reviews("case__", today), quiet_since=quiet_since)
        .values("worker_id")
        .annotate(
            open_cases=Count("case_id", distinct=True),
            overdue_cases=Count("case_id", distinct=True, filter=Q(overdue__gt=0)),
            quiet_cases=Count(
                "case_id", distinct=True, filter=Q(quiet_since__lt=no_contact_cutoff(today))
            ),
        )
        .order_by()
    )
    counts = {row.pop("worker_id"): row for row in rows}
    zero = {"open_cases": 0, "overdue_cases": 0, "quiet_cases": 0}
    result = []
    for worker in workers:
        figures = counts.get(worker.pk, zero)
        result.append(
            {
                "worker": worker,
                **figures,
                "needs_attention": bool(figures["overdue_cases"] or figures["quiet_cases"]),
            }
        )
    return result


def _in_arrears(user, today: datetime.date) -> QuerySet[Placement]:
    """The case's placements more than ARREARS_DAYS days late with the contribution,
    among those whose ledger the user may read."""
    return housing_selectors.arrears_over(
        Placement.objects.filter(access_for(user).contributions_q(), case_id=OuterRef("pk")),
        days=ARREARS_DAYS,
        today=today,
    )


def per_project(*, user, today: datetime.date | None = None) -> list[dict]:
    """One row per project: open cases, cases without a worker, cases with overdue
    reviews, quiet households, households more than 60 days late with the contribution,
    and how many workers share them. One query."""
    today = today or timezone.localdate()
    _last, quiet_since = pathway_selectors.last_contact("")
    assigned = CaseAssignment.objects.filter(case_id=OuterRef("pk"))
    rows = (
        caseload_cases(user=user)
        .annotate(overdue=_overdue_reviews("", today), quiet_since=quiet_since)
        .values("project_id", "project__name", "project__short_name", "project__slug")
        .annotate(
            open_cases=Count("pk", distinct=True),
            unassigned=Count("pk", distinct=True, filter=~Q(Exists(assigned))),
            overdue_cases=Count("pk", distinct=True, filter=Q(overdue__gt=0)),
            quiet_cases=Count(
                "pk", distinct=True, filter=Q(quiet_since__lt=no_contact_cutoff(today))
            ),
            workers=Count("assignments__worker", distinct=True),
            in_arrears=Count("pk", distinct=True, filter=Q(Exists(_in_arrears(user, today)))),
        )
        .order_by("project__name")
    )
    return [
        {
            "project_id": row["project_id"],
            "name": row["project__short_name"] or row["project__name"],
            "slug": row["project__slug"],
            "open_cases": row["open_cases"],
            "unassigned": row["unassigned"],
            "overdue_cases": row["overdue_cases"],
            "quiet_cases": row["quiet_cases"],
            "workers": row["workers"],
            "in_arrears": row["in_arrears"],
        }
        for row in rows
    ]


def assigning_organisations(*, user) -> QuerySet[Organisation]:
    """The organisations whose social workers and coordinators the user may assign
    (beneficiaries.selectors.cases.assignable_workers): those that hold the user's
    caseload cases and those the user coordinates. The service checks again, case by
    case, that the worker works for its holding organisation."""
    access = access_for(user)
    return Organisation.objects.filter(
        Q(pk__in=access.coordinating_organisations)
        | Q(pk__in=_caseload_values(access, "holding_organisation_id"))
    )


def _caseload_values(access, field: str):
    """The values of `field` over caseload_cases, read part by part from their indexes
    (Access.assignable_case_values); caseload_cases has none without dashboards."""
    if not access.may_see_dashboards():
        return Case.objects.none().values(field)
    return access.assignable_case_values(field)


def filterable_workers(*, user) -> QuerySet[User]:
    """Workers the caseloads table may be filtered by: those assigned to its cases and
    those the user may assign."""
    return User.objects.filter(
        Q(pk__in=_caseload_values(access_for(user), "assignments__worker_id"))
        | Q(pk__in=_assignable_worker_ids(user))
    ).order_by("last_name", "first_name", "username")


def _assignable_worker_ids(user) -> QuerySet:
    return cases_selectors.assignable_workers(
        organisations=assigning_organisations(user=user)
    ).values("pk")


def caseload_projects(*, user) -> QuerySet[Project]:
    return Project.objects.filter(pk__in=_caseload_values(access_for(user), "project_id")).order_by(
        "name"
    )
