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

from django.db.models import OuterRef
from django.utils import timezone

from beneficiaries.models import (
    Action,
    Document,
    FollowUp,
    Review,
)
from beneficiaries.selectors.cases import my_cases
from beneficiaries.selectors.households import reference_name
from beneficiaries.selectors.pathway import DOCUMENTS_AHEAD_DAYS, last_contact
from core.access import access_for
from housing import selectors as housing_selectors
from housing.models import Placement
from partners.models import StaffMembership

Role = StaffMembership.Role


# How far ahead "La mia giornata" looks, and how many rows each of its boxes shows.
REVIEWS_AHEAD_DAYS = 7


FOLLOW_UPS_AHEAD_DAYS = 7


PLACEMENTS_AHEAD_DAYS = 30


NO_CONTACT_DAYS = 30


MY_DAY_ROWS = 20


def _box(queryset) -> dict:
    rows = list(queryset[: MY_DAY_ROWS + 1])
    return {"rows": rows[:MY_DAY_ROWS], "more": len(rows) > MY_DAY_ROWS}


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
    }


# The daily reminders scan: how many of each kind of thing is due for the user, on
# the same caseload as "La mia giornata" (my_cases), so a user hears only about what
# their own page shows.
REMINDERS_AHEAD_DAYS = 3

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
    }
    for document_kind in Document.objects.filter(
        case__in=open_cases,
        expires_on__gte=today,
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
