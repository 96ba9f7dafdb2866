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
from typing import NamedTuple

from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Greatest

from beneficiaries.models import (
    Action,
    AutonomyAssessment,
    Case,
    CaseNote,
    Consent,
    Document,
    FollowUp,
    Goal,
    Household,
    Person,
    Review,
    SupportPlan,
)
from beneficiaries.selectors import households as households_selectors
from beneficiaries.selectors.cases import casework_cases
from beneficiaries.selectors.households import reference_name
from core.access import access_for
from core.shortcuts import get_or_404
from partners.models import StaffMembership

Role = StaffMembership.Role

# Documents expiring within this many days are announced (document list, La mia giornata).
DOCUMENTS_AHEAD_DAYS = 30


def plan_of(*, user, case: Case) -> SupportPlan | None:
    """The case's plan with its goals, actions and reviews, or None when there is none
    yet. `case` must come from case_for_casework."""
    actions = Action.objects.select_related(
        "responsible_worker", "responsible_person", "responsible_organisation"
    ).order_by("due_on", "id")
    return (
        SupportPlan.objects.filter(case=case)
        .select_related("created_by")
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=Goal.objects.order_by("created_at", "id").prefetch_related(
                    Prefetch("actions", queryset=actions)
                ),
            ),
            Prefetch("reviews", queryset=Review.objects.select_related("recorded_by")),
        )
        .first()
    )


def _in_casework(model, user, case_path: str) -> QuerySet:
    return model.objects.filter(**{f"{case_path}__in": casework_cases(user=user)})


def goal_for_user(*, user, pk) -> Goal:
    return get_or_404(
        _in_casework(Goal, user, "plan__case").select_related(
            "plan__case__household", "plan__case__project"
        ),
        pk=pk,
    )


def action_for_user(*, user, pk) -> Action:
    return get_or_404(
        _in_casework(Action, user, "goal__plan__case").select_related(
            "goal__plan__case__household"
        ),
        pk=pk,
    )


def review_for_user(*, user, pk) -> Review:
    return get_or_404(
        _in_casework(Review, user, "plan__case").select_related(
            "plan__case__household", "plan__case__project", "plan__case__holding_organisation"
        ),
        pk=pk,
    )


def follow_up_for_user(*, user, pk) -> FollowUp:
    return get_or_404(
        _in_casework(FollowUp, user, "case").select_related(
            "case__household", "case__project", "case__holding_organisation", "case__exit"
        ),
        pk=pk,
    )


def household_members(*, case: Case) -> QuerySet[Person]:
    return Person.objects.filter(household_id=case.household_id).order_by("birth_date")


def assessments_of(*, case: Case) -> list[AutonomyAssessment]:
    """The case's autonomy assessments, oldest first, each with its scores."""
    return list(
        AutonomyAssessment.objects.filter(case=case)
        .select_related("assessed_by", "review")
        .prefetch_related("scores")
        .order_by("taken_on", "id")
    )


def assessments_by_case(*, user, cases) -> dict[int, list[AutonomyAssessment]]:
    """The autonomy assessments of those of `cases` whose pathway the user may read,
    oldest first, keyed by case id: a fixed number of queries however many cases."""
    if not access_for(user).may_do_casework():
        return {}
    grouped: dict[int, list[AutonomyAssessment]] = {}
    for assessment in (
        # A few cases: each tested on its own row (visible_case_q), not against the set
        # of every case the user may see.
        AutonomyAssessment.objects.filter(case_id__in=[case.pk for case in cases])
        .filter(households_selectors.visible_case_q(user=user))
        .prefetch_related("scores")
        .order_by("taken_on", "id")
    ):
        grouped.setdefault(assessment.case_id, []).append(assessment)
    return grouped


def open_goals_of(*, case: Case) -> QuerySet[Goal]:
    """The goals of a case still in progress, oldest first (what closing it must end)."""
    return Goal.objects.filter(plan__case=case, status=Goal.Status.OPEN).order_by(
        "created_at", "pk"
    )


def pending_reviews(*, case: Case) -> QuerySet[Review]:
    return Review.objects.filter(plan__case=case).order_by("scheduled_on")


def diary_of(*, user, case: Case) -> QuerySet[CaseNote]:
    """The diary of a case: its own entries, and the group or community activities of
    other cases in which its household took part, without the confidential entries of
    other organisations. `case` must come from case_for_casework."""
    # Its own entries and those its household took part in, as `id IN (… UNION …)`: an
    # `OR` with an `EXISTS` made PostgreSQL filter the whole diary table (millions of
    # rows at national size) instead of using the two indexes (docs/performance.md).
    own_or_took_part = (
        CaseNote.objects.filter(case=case)
        .values("pk")
        .union(
            CaseNote.households.through.objects.filter(household_id=case.household_id).values(
                "casenote_id"
            )
        )
    )
    # A group activity names the households that took part; the reader learns the names
    # of those they may see, and only that there were others. Each household is tested
    # where it is named (households_q is a row test): `pk IN (every visible household)`
    # made SQLite compute that set for each of the diary's three queries (20,000
    # households: 190 ms each, docs/performance.md).
    visible = households_selectors.visible_households(user=user)
    return (
        CaseNote.objects.filter(pk__in=own_or_took_part)
        .filter(access_for(user).notes_q())
        .select_related("author", "author_organisation")
        .annotate(
            origin_name=Subquery(
                visible.filter(cases=OuterRef("case_id"))
                .annotate(name=reference_name(OuterRef("pk")))
                .values("name")[:1]
            ),
            participants=Count(
                "households", filter=~Q(households=case.household_id), distinct=True
            ),
        )
        .prefetch_related(
            Prefetch(
                "households",
                queryset=visible.exclude(pk=case.household_id)
                .annotate(reference_name=reference_name(OuterRef("pk")))
                .order_by("pk"),
                to_attr="visible_participants",
            )
        )
        .order_by("-happened_on", "-id")
    )


class LastContact(NamedTuple):
    """The last contact with a case's household, as SQL expressions to annotate a
    queryset with (dates: no content of any entry, so confidential ones count too)."""

    last: F  # the stored day of the last contact (Case.last_contact_on), None if none
    quiet_since: Func  # the later of it and the case's opening


def last_contact(case_path: str = "") -> LastContact:
    """The last contact of the case reached through `case_path` from the queryset's
    rows: "" for cases themselves, "case__" for rows that point at a case."""
    last = F(f"{case_path}last_contact_on")
    opened = F(f"{case_path}opened_on")
    return LastContact(last, Greatest(opened, Coalesce(last, opened)))


def computed_last_contact() -> Func:
    """What Case.last_contact_on holds, computed from the diaries for the case of each
    row (an UPDATE of cases): the later of its own last entry and of the last group or
    community activity its household took part in; None when there is neither."""
    own = Subquery(
        CaseNote.objects.filter(case_id=OuterRef("pk"))
        .values("case_id")
        .annotate(last=Max("happened_on"))
        .values("last")[:1]
    )
    group = Subquery(
        CaseNote.households.through.objects.filter(household_id=OuterRef("household_id"))
        .values("household_id")
        .annotate(last=Max("casenote__happened_on"))
        .values("last")[:1]
    )
    # GREATEST is NULL on SQLite as soon as one side is: each side falls back on the other.
    return Greatest(Coalesce(own, group), Coalesce(group, own))


def linkable_households(*, user, case: Case) -> QuerySet[Household]:
    """Households that may take part in a group or community activity written in this
    case's diary: those of the other open cases the user follows."""
    return (
        Household.objects.filter(
            Exists(
                casework_cases(user=user).filter(
                    household_id=OuterRef("pk"), closed_on__isnull=True
                )
            )
        )
        .exclude(pk=case.household_id)
        .annotate(reference_name=reference_name(OuterRef("pk")))
        .order_by("reference_name", "pk")
    )


def documents_of(*, case: Case, superseded: bool = False) -> QuerySet[Document]:
    """The case's documents in their current versions; with `superseded`, the versions
    they replaced as well (each with its successor)."""
    documents = Document.objects.filter(case=case)
    if not superseded:
        documents = documents.filter(superseded_by__isnull=True)
    return documents.select_related("person", "uploaded_by", "superseded_by").order_by(
        "kind", "-created_at"
    )


def superseded_count(*, case: Case) -> int:
    return Document.objects.filter(case=case, superseded_by__isnull=False).count()


def document_for_user(*, user, public_id) -> Document:
    return get_or_404(
        _in_casework(Document, user, "case").select_related(
            "case__household", "case__project", "case__holding_organisation", "case__exit"
        ),
        public_id=public_id,
    )


def follow_ups_of(*, case: Case) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(case=case).select_related("recorded_by").order_by("due_on")


def has_follow_up_basis(*, case: Case, on: datetime.date) -> bool:
    """Whether the household gave consent (or another legal basis covers) being
    contacted after its exit."""
    return (
        Consent.objects.filter(
            household_id=case.household_id,
            purpose=Consent.Purpose.FOLLOW_UP,
            given_on__lte=on,
        )
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on))
        .exists()
    )
