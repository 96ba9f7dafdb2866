"""Reads of the support pathway: plans, assessments, diary, documents, exits, follow-up.

Built on the scoping layer (beneficiaries.selectors): every query starts from the cases
the user may see there, and narrows them to casework. The pathway is casework: a
municipal referrer follows the households it referred through their status, never
through their plan, diary or documents, so these functions give referrers nothing
even if the case itself becomes visible to them one day.

Confidential diary entries are read only by the staff of the author's organisation.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from beneficiaries.models import (
    Action,
    Consent,
    Document,
    FollowUp,
    Household,
    Person,
    Review,
)
from beneficiaries.selectors.cases import my_cases
from beneficiaries.selectors.households import reference_name
from beneficiaries.selectors.pathway import DOCUMENTS_AHEAD_DAYS, last_contact
from core.access import access_for
from core.dates import add_months
from housing import selectors as housing_selectors
from housing.models import Placement
from partners.models import StaffMembership
from projects.models import Project

Role = StaffMembership.Role


# How far ahead "La mia giornata" looks, and how many rows each of its boxes shows.
AHEAD_DAYS = 14  # actions, reviews, follow-ups, maximum stays, consents

REVIEWS_AHEAD_DAYS = AHEAD_DAYS


FOLLOW_UPS_AHEAD_DAYS = AHEAD_DAYS

# Taken from the household record itself (not only from uploaded documents).
ISEE_AHEAD_DAYS = 30

PERMITS_AHEAD_DAYS = 60


PLACEMENTS_AHEAD_DAYS = 30


NO_CONTACT_DAYS = 30


MY_DAY_ROWS = 20


def _box(queryset) -> dict:
    rows = list(queryset[: MY_DAY_ROWS + 1])
    return {"rows": rows[:MY_DAY_ROWS], "more": len(rows) > MY_DAY_ROWS}


def max_stay_placements(open_cases, until: datetime.date):
    """Current placements of `open_cases` whose project's maximum stay ends by `until`
    (reached already, or coming): one query for the maximum stays in use, one for the
    placements. The date of each is `placement.max_stay_on`."""
    months_in_use = list(
        Project.objects.filter(max_stay_months__isnull=False)
        .values_list("max_stay_months", flat=True)
        .distinct()
        .order_by()
    )
    if not months_in_use:
        return Placement.objects.none()
    # start + months <= until, written without date arithmetic in SQL: a few days of
    # slack at the ends of months, trimmed exactly by the caller (with_max_stay).
    reached = Q()
    for months in months_in_use:
        reached |= Q(
            unit__project__max_stay_months=months,
            start_date__lte=add_months(until, -months) + datetime.timedelta(days=3),
        )
    return Placement.objects.filter(reached, case__in=open_cases, end_date__isnull=True)


def with_max_stay(placements, until: datetime.date) -> list:
    rows = []
    for placement in placements:
        placement.max_stay_on = add_months(
            placement.start_date, placement.unit.project.max_stay_months
        )
        if placement.max_stay_on <= until:
            rows.append(placement)
    return rows


def consents_to_renew(open_cases, today: datetime.date, until: datetime.date):
    """The consent in force of each purpose (the newest) of the households of
    `open_cases` that is withdrawn, expired, or expires by `until`."""
    newer = Consent.objects.filter(
        household_id=OuterRef("household_id"), purpose=OuterRef("purpose")
    ).filter(
        Q(given_on__gt=OuterRef("given_on"))
        | Q(given_on=OuterRef("given_on"), pk__gt=OuterRef("pk"))
    )
    return (
        Consent.objects.filter(household_id__in=open_cases.values("household_id"))
        .filter(~Exists(newer))
        .filter(Q(withdrawn_on__lte=today) | Q(expires_on__lte=until))
    )


def households_of(open_cases):
    return Household.objects.filter(pk__in=open_cases.values("household_id"))


def my_day(*, user, today: datetime.date | None = None) -> dict:
    """What is due for the user today ("La mia giornata"), one box per kind of thing,
    each row linking to where it is handled. A fixed number of queries: one per box."""
    today = today or timezone.localdate()
    cases = my_cases(user=user)
    open_cases = cases.filter(closed_on__isnull=True)

    overdue_actions = (
        Action.objects.filter(
            goal__plan__case__in=open_cases, status__in=Action.OPEN_STATUSES, due_on__lt=today
        )
        .select_related("goal__plan__case")
        .annotate(household_name=reference_name(OuterRef("goal__plan__case__household_id")))
        .order_by("due_on", "id")
    )
    reviews_due = (
        Review.objects.filter(
            plan__case__in=open_cases,
            held_on__isnull=True,
            scheduled_on__lte=today + datetime.timedelta(days=REVIEWS_AHEAD_DAYS),
        )
        .select_related("plan__case")
        .annotate(household_name=reference_name(OuterRef("plan__case__household_id")))
        .order_by("scheduled_on", "id")
    )
    documents_expiring = (
        Document.objects.filter(
            case__in=open_cases,
            expires_on__gte=today,
            superseded_by__isnull=True,
            expires_on__lte=today + datetime.timedelta(days=DOCUMENTS_AHEAD_DAYS),
        )
        .select_related("case", "person")
        .annotate(household_name=reference_name(OuterRef("case__household_id")))
        .order_by("expires_on", "id")
    )
    follow_ups_due = (
        FollowUp.objects.filter(
            case__in=cases.filter(closed_on__isnull=False),
            done_on__isnull=True,
            due_on__lte=today + datetime.timedelta(days=FOLLOW_UPS_AHEAD_DAYS),
        )
        .select_related("case")
        .annotate(household_name=reference_name(OuterRef("case__household_id")))
        .order_by("due_on", "id")
    )
    placements_ending = (
        Placement.objects.filter(
            case__in=open_cases,
            end_date__isnull=True,
            planned_end_date__lte=today + datetime.timedelta(days=PLACEMENTS_AHEAD_DAYS),
        )
        .select_related("unit__property", "case")
        .annotate(household_name=reference_name(OuterRef("household_id")))
        .order_by("planned_end_date", "pk")
    )
    ahead = today + datetime.timedelta(days=AHEAD_DAYS)
    actions_due = (
        Action.objects.filter(
            goal__plan__case__in=open_cases,
            status__in=Action.OPEN_STATUSES,
            due_on__gte=today,
            due_on__lte=ahead,
        )
        .select_related("goal__plan__case")
        .annotate(household_name=reference_name(OuterRef("goal__plan__case__household_id")))
        .order_by("due_on", "id")
    )
    max_stays = _box(
        max_stay_placements(open_cases, ahead)
        .select_related("unit__project", "unit__property", "case")
        .annotate(household_name=reference_name(OuterRef("household_id")))
        .order_by("start_date", "pk")
    )
    max_stays["rows"] = with_max_stay(max_stays["rows"], ahead)
    isee_expiring = (
        households_of(open_cases)
        .filter(isee_expires_on__lte=today + datetime.timedelta(days=ISEE_AHEAD_DAYS))
        .annotate(household_name=reference_name(OuterRef("pk")))
        .order_by("isee_expires_on", "pk")
    )
    permits_expiring = (
        Person.objects.filter(
            household__in=households_of(open_cases),
            residence_permit_expires_on__lte=today + datetime.timedelta(days=PERMITS_AHEAD_DAYS),
        )
        .select_related("household")
        .order_by("residence_permit_expires_on", "pk")
    )
    consents = (
        consents_to_renew(open_cases, today, ahead)
        .select_related("household")
        .annotate(household_name=reference_name(OuterRef("household_id")))
        .order_by("expires_on", "pk")
    )
    contact = last_contact()
    no_contact = (
        open_cases.annotate(
            own_last=contact.own,
            group_last=contact.group,
            household_name=reference_name(OuterRef("household_id")),
        )
        # A case opened recently has had no time to go quiet: count from its opening.
        .annotate(quiet_since=contact.quiet_since)
        .filter(quiet_since__lt=today - datetime.timedelta(days=NO_CONTACT_DAYS))
        .order_by("quiet_since", "pk")
    )
    no_contact_box = _box(no_contact)
    for case in no_contact_box["rows"]:
        case.last_contact = max(filter(None, [case.own_last, case.group_last]), default=None)
    return {
        "today": today,
        "overdue_actions": _box(overdue_actions),
        "reviews_due": _box(reviews_due),
        "documents_expiring": _box(documents_expiring),
        "placements_ending": _box(placements_ending),
        "follow_ups_due": _box(follow_ups_due),
        "no_contact": no_contact_box,
        "actions_due": _box(actions_due),
        "max_stays": max_stays,
        "isee_expiring": _box(isee_expiring),
        "permits_expiring": _box(permits_expiring),
        "consents": _box(consents),
        "by_project": _by_project(user, cases, open_cases, today, ahead)
        if access_for(user).is_coordinator
        else None,
    }


def _by_project(user, cases, open_cases, today, ahead) -> list[dict]:
    """A coordinator's sums, one row per project they coordinate: how many of each kind
    of thing is late or due. One query per kind, whatever the number of projects."""
    coordinated = access_for(user).coordinated_projects
    if not coordinated:
        return []

    def per_project(queryset, path):
        return dict(
            queryset.order_by()
            .values_list(path)
            .annotate(n=Count("pk", distinct=True))
            .values_list(path, "n")
        )

    actions = Action.objects.filter(
        goal__plan__case__in=open_cases, status__in=Action.OPEN_STATUSES, due_on__lte=ahead
    )
    columns = {
        "actions": per_project(actions, "goal__plan__case__project_id"),
        "reviews": per_project(
            Review.objects.filter(
                plan__case__in=open_cases, held_on__isnull=True, scheduled_on__lte=ahead
            ),
            "plan__case__project_id",
        ),
        "follow_ups": per_project(
            FollowUp.objects.filter(
                case__in=cases.filter(closed_on__isnull=False),
                done_on__isnull=True,
                due_on__lte=ahead,
            ),
            "case__project_id",
        ),
        "placements": per_project(
            Placement.objects.filter(
                case__in=open_cases,
                end_date__isnull=True,
                planned_end_date__lte=today + datetime.timedelta(days=PLACEMENTS_AHEAD_DAYS),
            ),
            "case__project_id",
        ),
    }
    projects = Project.objects.filter(pk__in=coordinated).order_by("name")
    return [
        {
            "project": project,
            **{name: counts.get(project.pk, 0) for name, counts in columns.items()},
        }
        for project in projects
    ]


# The daily reminders scan: how many of each kind of thing is due for the user, on
# the same caseload as "La mia giornata" (my_cases), so a user hears only about what
# their own page shows.
REMINDERS_AHEAD_DAYS = 3

CONSENT_AHEAD_DAYS = AHEAD_DAYS

_EXPIRY_KINDS = {
    Document.Kind.ISEE: "isee_expiring",
    Document.Kind.RESIDENCE_PERMIT: "permit_expiring",
}


def reminder_counts(*, user, today: datetime.date | None = None) -> dict[str, int]:
    """{kind of notification (notifications.kinds.Kind value): how many} of what is due
    for the user; kinds with nothing due are left out."""
    today = today or timezone.localdate()
    ahead = today + datetime.timedelta(days=REMINDERS_AHEAD_DAYS)
    cases = my_cases(user=user)
    open_cases = cases.filter(closed_on__isnull=True)
    actions = Action.objects.filter(
        goal__plan__case__in=open_cases, status__in=Action.OPEN_STATUSES
    )
    reviews = Review.objects.filter(plan__case__in=open_cases, held_on__isnull=True)
    counts = {
        "action_overdue": actions.filter(due_on__lt=today).count(),
        "action_due": actions.filter(due_on__gte=today, due_on__lte=ahead).count(),
        "review_overdue": reviews.filter(scheduled_on__lt=today).count(),
        "review_due": reviews.filter(scheduled_on__gte=today, scheduled_on__lte=ahead).count(),
        "placement_ending": Placement.objects.filter(
            case__in=open_cases,
            end_date__isnull=True,
            planned_end_date__gte=today,
            planned_end_date__lte=today + datetime.timedelta(days=PLACEMENTS_AHEAD_DAYS),
        ).count(),
        "follow_up_due": FollowUp.objects.filter(
            case__in=cases.filter(closed_on__isnull=False), done_on__isnull=True, due_on__lte=today
        ).count(),
        # Still in the unit on the last day of the project's maximum stay, or after it.
        "max_stay_reached": len(
            with_max_stay(
                max_stay_placements(open_cases, today).select_related("unit__project"), today
            )
        ),
        # The consent in force of a purpose ends within CONSENT_AHEAD_DAYS (or has just
        # ended) and no newer one replaces it.
        "consent_lapsing": consents_to_renew(
            open_cases, today, today + datetime.timedelta(days=CONSENT_AHEAD_DAYS)
        )
        .filter(withdrawn_on__isnull=True, expires_on__gte=today)
        .count(),
    }
    for document_kind in Document.objects.filter(
        case__in=open_cases,
        expires_on__gte=today,
        superseded_by__isnull=True,
        expires_on__lte=today + datetime.timedelta(days=DOCUMENTS_AHEAD_DAYS),
    ).values_list("kind", flat=True):
        kind = _EXPIRY_KINDS.get(document_kind, "document_expiring")
        counts[kind] = counts.get(kind, 0) + 1
    return {kind: n for kind, n in counts.items() if n}


# The contribution ledger in "La mia giornata" (housing.selectors): kept apart from
# my_day() so that it reads, and merges, as one piece. Placements of the user's open
# cases whose ledger the user may read (core.access.Access.contributions_q).
ARREARS_DAYS = 60


def my_day_contributions(*, user, today: datetime.date | None = None) -> dict:
    """Two boxes: households more than ARREARS_DAYS days late with their contribution,
    and repayment instalments late or due within a week. Two queries."""
    today = today or timezone.localdate()
    placements = Placement.objects.filter(
        access_for(user).contributions_q(),
        case__in=my_cases(user=user).filter(closed_on__isnull=True),
    )
    arrears = (
        housing_selectors.arrears_over(placements, days=ARREARS_DAYS, today=today)
        .select_related("unit__property")
        .annotate(household_name=reference_name(OuterRef("household_id")))
        .order_by("-arrears", "pk")
    )
    instalments = housing_selectors.instalments_due(placements=placements, today=today).annotate(
        household_name=reference_name(OuterRef("plan__placement__household_id"))
    )
    return {
        "today": today,
        "arrears": _box(arrears),
        "instalments_due": _box(instalments),
    }
